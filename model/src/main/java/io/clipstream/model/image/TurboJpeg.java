package io.clipstream.model.image;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import io.clipstream.model.image.ImageRejectedException.Reason;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes grey and colour JPEGs with libjpeg-turbo's TurboJPEG API ({@code libturbojpeg.so.0}, the Debian and
 * Ubuntu package {@code libturbojpeg0}) when the host has it. Pillow decodes JPEGs with libjpeg-turbo too, and both
 * keep the library's defaults (the accurate integer IDCT, fancy upsampling), so the pixels are Pillow's, byte for
 * byte; ImageIO's JPEG reader gives the same pixels in about twice the time (docs/model.md#jpeg-decoding).
 *
 * <p>Only a fast path: a JPEG whose header TurboJPEG cannot classify (CMYK, YCCK, unusual sampling factors, a
 * header it refuses) is left to ImageIO, which also gives the errors for damaged headers. A failure while decoding
 * rejects the image as CORRUPT, with the library's message: any warning stops the decoding (a truncated file is
 * never half an image), and the library's own scan limit backs {@link ImageDecoder#MAX_PROGRESSIVE_SCANS}.
 *
 * <p>Thread-safe: each decoding has its own TurboJPEG handle. {@code -Dclipstream.jpeg.decoder=imageio} turns the
 * fast path off.
 */
final class TurboJpeg {
    private static final Logger LOG = LoggerFactory.getLogger(TurboJpeg.class);

    /** System property choosing the JPEG decoder: {@code auto} (TurboJPEG when present) or {@code imageio}. */
    static final String DECODER_PROPERTY = "clipstream.jpeg.decoder";

    // turbojpeg.h
    private static final int TJPF_RGBX = 2;
    private static final int TJPF_GRAY = 6;
    private static final int TJCS_RGB = 0;
    private static final int TJCS_YCBCR = 1;
    private static final int TJCS_GRAY = 2;
    private static final int TJFLAG_STOPONWARNING = 8192;
    private static final int TJFLAG_LIMITSCANS = 32768;

    private static final Optional<TurboJpeg> SHARED = load();

    private TurboJpeg() {}

    /** The library, loaded once per JVM; empty when the host lacks it or the property turns it off. */
    static Optional<TurboJpeg> shared() {
        return SHARED;
    }

    /** The size check to run on the header's dimensions before any pixel memory is allocated. */
    interface PixelLimit {
        void check(int width, int height) throws ImageRejectedException;
    }

    /**
     * The decoded image, or null when this JPEG is for ImageIO (see the class comment). With {@code buffers} the
     * pixels are written into its reused arrays, as {@link ImageDecoder} does. With {@code draftSide} over 0 it
     * decodes at 1/2, 1/4 or 1/8 of the size in the IDCT, the smallest of these scales whose shorter side is still at
     * least {@code draftSide}, as Pillow's {@code Image.draft} picks its scale. The limit applies to the full size.
     */
    DecodedImage decode(byte[] jpeg, PixelLimit limit, DecodeBuffers buffers, int draftSide)
            throws ImageRejectedException {
        Pointer handle = Api.tjInitDecompress();
        if (handle == null) {
            return null; // out of native memory for the handle: ImageIO will say the same or manage
        }
        try {
            NativeLong size = new NativeLong(jpeg.length);
            IntByReference width = new IntByReference();
            IntByReference height = new IntByReference();
            IntByReference subsampling = new IntByReference();
            IntByReference colourSpace = new IntByReference();
            if (Api.tjDecompressHeader3(handle, jpeg, size, width, height, subsampling, colourSpace) != 0) {
                return null;
            }
            int space = colourSpace.getValue();
            if (space != TJCS_YCBCR && space != TJCS_RGB && space != TJCS_GRAY) {
                return null;
            }
            limit.check(width.getValue(), height.getValue());
            int scale = draftScale(width.getValue(), height.getValue(), draftSide);
            int w = scaled(width.getValue(), scale);
            int h = scaled(height.getValue(), scale);
            int count = w * h; // the limit keeps this far below 2^31
            int[] pixels = buffers != null ? buffers.pixels(count) : new int[count];
            int flags = TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS;
            if (space == TJCS_GRAY) {
                byte[] grey = buffers != null ? buffers.samples(count) : new byte[count];
                check(handle, Api.tjDecompress2(handle, jpeg, size, grey, w, w, h, TJPF_GRAY, flags));
                for (int i = 0; i < count; i++) {
                    pixels[i] = grey[i] & 0xff;
                }
                return new DecodedImage(PillowMode.L, w, h, pixels);
            }
            // RGBX on a little-endian int array is r | g << 8 | b << 16 | x << 24: DecodedImage's layout once x is 0
            check(handle, Api.tjDecompress2(handle, jpeg, size, pixels, w, 4 * w, h, TJPF_RGBX, flags));
            for (int i = 0; i < count; i++) {
                pixels[i] &= 0xffffff;
            }
            return new DecodedImage(PillowMode.RGB, w, h, pixels);
        } finally {
            Api.tjDestroy(handle);
        }
    }

    /** The largest of 8, 4, 2 that leaves the shorter side at least {@code side}; 1 when none does or side is 0. */
    static int draftScale(int width, int height, int side) {
        for (int scale = 8; scale > 1 && side > 0; scale /= 2) {
            if (Math.min(scaled(width, scale), scaled(height, scale)) >= side) {
                return scale;
            }
        }
        return 1;
    }

    /** libjpeg's size at 1/scale: rounded up (TJSCALED). */
    private static int scaled(int size, int scale) {
        return (size + scale - 1) / scale;
    }

    private static void check(Pointer handle, int result) throws ImageRejectedException {
        if (result != 0) {
            throw new ImageRejectedException(
                    Reason.CORRUPT, "JPEG image could not be decoded: " + Api.tjGetErrorStr2(handle));
        }
    }

    private static Optional<TurboJpeg> load() {
        String choice = System.getProperty(DECODER_PROPERTY, "auto");
        if (choice.equals("imageio")) {
            LOG.info("JPEG decoding: ImageIO ({}=imageio)", DECODER_PROPERTY);
            return Optional.empty();
        }
        if (!choice.equals("auto")) {
            LOG.warn("{}={} is neither auto nor imageio; using auto", DECODER_PROPERTY, choice);
        }
        if (!littleEndian()) {
            LOG.info("JPEG decoding: ImageIO (TurboJPEG's RGBX layout matches the pixels only on little-endian CPUs)");
            return Optional.empty();
        }
        try {
            NativeLibrary library = NativeLibrary.getInstance("turbojpeg");
            Native.register(Api.class, library);
            LOG.info("JPEG decoding: libjpeg-turbo ({})", library.getFile());
            return Optional.of(new TurboJpeg());
        } catch (LinkageError | RuntimeException e) {
            LOG.info(
                    "JPEG decoding: ImageIO; libjpeg-turbo's TurboJPEG library was not found (install libturbojpeg0"
                            + " to decode JPEGs about twice as fast, with the same pixels): {}",
                    e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean littleEndian() {
        return java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;
    }

    /** The TurboJPEG 2.x functions used, bound by JNA's direct mapping. */
    private static final class Api {
        private Api() {}

        static native Pointer tjInitDecompress();

        static native int tjDecompressHeader3(
                Pointer handle,
                byte[] jpeg,
                NativeLong size,
                IntByReference width,
                IntByReference height,
                IntByReference subsampling,
                IntByReference colourSpace);

        static native int tjDecompress2(
                Pointer handle,
                byte[] jpeg,
                NativeLong size,
                byte[] destination,
                int width,
                int pitch,
                int height,
                int pixelFormat,
                int flags);

        /** The same with an int per pixel: 4-byte pixel formats only. */
        static native int tjDecompress2(
                Pointer handle,
                byte[] jpeg,
                NativeLong size,
                int[] destination,
                int width,
                int pitch,
                int height,
                int pixelFormat,
                int flags);

        static native int tjDestroy(Pointer handle);

        static native String tjGetErrorStr2(Pointer handle);
    }
}
