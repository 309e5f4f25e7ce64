package io.clipstream.model.image;

/** Every {@link ImageDecoderTest} case again with ImageIO decoding the JPEGs, as on a host without libjpeg-turbo. */
class ImageIoImageDecoderTest extends ImageDecoderTest {

    @Override
    ImageDecoder decoder(long maxBytes, long maxPixels) {
        return ImageDecoder.imageIoOnly(maxBytes, maxPixels);
    }
}
