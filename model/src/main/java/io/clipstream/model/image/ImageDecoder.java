package io.clipstream.model.image;

import io.clipstream.model.image.ImageRejectedException.Reason;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes untrusted image bytes into a {@link DecodedImage} with the mode Pillow 9.4 would give the same file.
 *
 * <p>Defensive by construction: the format is recognised from the leading bytes and decoded only by the one
 * reader class allowed for it ({@link ImageFormat}); the byte limit is checked first and the pixel limit from
 * the header, before any pixel memory is allocated; any reader warning (ImageIO reports a truncated JPEG as a
 * warning and fills the rest with grey) rejects the image. Every failure is an {@link ImageRejectedException}:
 * CORRUPT for bytes that are in no image format we know, or that start like an accepted format but do not decode;
 * UNSUPPORTED_FORMAT only for a recognised image format we do not decode (TIFF, HEIC/AVIF, JPEG 2000, JPEG XL, PSD,
 * SVG, by their magic bytes) or an accepted format in a colour model we do not handle; TOO_LARGE over the limits.
 *
 * <p>Mode rules follow Pillow: a 16-bit grey PNG becomes "I", other 16-bit PNGs keep the high byte, grey PNGs
 * of 1 bit become "1" and of 2/4 bits "L"; a PNG colour key (tRNS on grey/RGB) adds no alpha; palette images
 * stay "P" unless the palette is the grey ramp (GIF, BMP); CMYK JPEGs keep their inverted (Adobe) ink values;
 * embedded ICC profiles are ignored, as Pillow ignores them (JPEG profiles are cut out before decoding).
 * Instances are immutable and thread-safe; each call uses its own reader.
 *
 * <p>Grey and colour JPEGs are decoded by libjpeg-turbo, Pillow's own JPEG decoder, where the host has it
 * ({@link TurboJpeg}); ImageIO gives the same pixels, slower, and decodes every other JPEG.
 */
public final class ImageDecoder {

    /** 20 MiB: far above any photo the stream should carry. */
    public static final long DEFAULT_MAX_BYTES = 20L << 20;
    /**
     * Scans of a progressive JPEG, libjpeg-turbo's own limit: each scan may revisit every block, so thousands of them
     * in a small file cost minutes of CPU; real encoders write about ten.
     */
    public static final int MAX_PROGRESSIVE_SCANS = 500;
    /** 40 megapixels; a decoded pixel costs about 8 bytes transiently (reader image plus packed copy). */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    private final long maxBytes;
    private final long maxPixels;
    /** Grey and colour JPEGs take libjpeg-turbo when the host has it; null: ImageIO decodes every JPEG. */
    private final TurboJpeg turboJpeg;
    /** Large JPEGs decode at reduced scale when the caller names the size it needs (not Pillow-exact). */
    private final boolean jpegDraft;

    public ImageDecoder() {
        this(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS);
    }

    public ImageDecoder(long maxBytes, long maxPixels) {
        this(maxBytes, maxPixels, TurboJpeg.shared().orElse(null), false);
    }

    private ImageDecoder(long maxBytes, long maxPixels, TurboJpeg turboJpeg, boolean jpegDraft) {
        if (maxBytes <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (maxPixels > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("a pixel limit over " + Integer.MAX_VALUE / 4 + " cannot be decoded");
        }
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
        this.turboJpeg = turboJpeg;
        this.jpegDraft = jpegDraft;
    }

    /**
     * This decoder, decoding a large JPEG at 1/2, 1/4 or 1/8 scale in the IDCT when the image is still at least the
     * size the caller needs (as Pillow's {@code Image.draft}): several times faster on camera photos, but not the
     * pixels open_clip's transform sees (docs/model.md#jpeg-decoding gives the measured difference). Only with
     * libjpeg-turbo; with ImageIO every JPEG decodes at full size.
     */
    public ImageDecoder withJpegDraft(boolean draft) {
        return new ImageDecoder(maxBytes, maxPixels, turboJpeg, draft);
    }

    /** Whether JPEGs are decoded at reduced scale when they are large enough (libjpeg-turbo only). */
    public boolean jpegDraft() {
        return jpegDraft && turboJpeg != null;
    }

    /** A decoder that leaves every JPEG to ImageIO, whatever the host has: same pixels, slower. */
    public static ImageDecoder imageIoOnly(long maxBytes, long maxPixels) {
        return new ImageDecoder(maxBytes, maxPixels, null, false);
    }

    /** What decodes this decoder's JPEGs: {@code "libjpeg-turbo"} or {@code "ImageIO"}. */
    public String jpegDecoder() {
        return turboJpeg != null ? "libjpeg-turbo" : "ImageIO";
    }

    /** Decodes the first image (first frame of a GIF) of {@code bytes}. */
    public DecodedImage decode(byte[] bytes) throws ImageRejectedException {
        return decode(bytes, null);
    }

    /**
     * As {@link #decode(byte[])}, decoding into {@code buffers} where the layout allows (8-bit JPEG and the packed
     * pixels of 8-bit rasters): the image returned then shares its pixels with {@code buffers} and is valid until
     * they are used again. Null buffers: fresh arrays.
     */
    DecodedImage decode(byte[] bytes, DecodeBuffers buffers) throws ImageRejectedException {
        return decode(bytes, buffers, 0);
    }

    /**
     * As {@link #decode(byte[], DecodeBuffers)}; with {@link #withJpegDraft} a large JPEG may come back smaller, down
     * to a shorter side of {@code draftSide} pixels (0: always full size).
     */
    DecodedImage decode(byte[] bytes, DecodeBuffers buffers, int draftSide) throws ImageRejectedException {
        if (bytes == null || bytes.length == 0) {
            throw new ImageRejectedException(Reason.CORRUPT, "empty image");
        }
        if (bytes.length > maxBytes) {
            throw new ImageRejectedException(
                    Reason.TOO_LARGE,
                    "image of " + bytes.length + " bytes is over the limit of " + maxBytes + " bytes");
        }
        ImageFormat format = ImageFormat.sniff(bytes).orElseThrow(() -> unrecognised(bytes));
        PngHeader png = format == ImageFormat.PNG ? PngHeader.parse(bytes) : null;
        if (format == ImageFormat.WEBP) {
            checkRiffChunks(bytes); // the WebP reader decodes a truncated VP8 stream without complaint
        }
        if (format == ImageFormat.JPEG
                && JpegHeader.progressiveScans(bytes, MAX_PROGRESSIVE_SCANS) > MAX_PROGRESSIVE_SCANS) {
            throw new ImageRejectedException(
                    Reason.TOO_LARGE,
                    "progressive JPEG with more than " + MAX_PROGRESSIVE_SCANS + " scans (a decoding-time bomb)");
        }
        if (png != null) {
            checkPixels(format, png.width(), png.height()); // before ImageIO sees the file at all
        }
        if (format == ImageFormat.JPEG && turboJpeg != null) {
            DecodedImage image =
                    turboJpeg.decode(bytes, (w, h) -> checkPixels(format, w, h), buffers, jpegDraft ? draftSide : 0);
            if (image != null) {
                return image;
            }
        }
        byte[] input = format == ImageFormat.JPEG ? JpegHeader.withoutIccProfile(bytes) : bytes;
        ImageReader reader = reader(format);
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(input))) {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            checkPixels(format, width, height);
            DecodedImage image = read(reader, format, png, input, buffers);
            if (!warnings.isEmpty()) {
                throw new ImageRejectedException(
                        Reason.CORRUPT, format + " image is damaged or truncated: " + String.join("; ", warnings));
            }
            if (image.width() != width || image.height() != height) {
                throw new ImageRejectedException(
                        Reason.CORRUPT,
                        format + " header says " + width + "x" + height + " but the image decoded as " + image.width()
                                + "x" + image.height());
            }
            return image;
        } catch (IOException | RuntimeException e) {
            // readers throw IIOException, EOFException, and on crafted input also IndexOutOfBounds etc.
            throw new ImageRejectedException(
                    Reason.CORRUPT,
                    format + " image could not be decoded: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    e);
        } finally {
            reader.dispose();
        }
    }

    private void checkPixels(ImageFormat format, int width, int height) throws ImageRejectedException {
        if (width <= 0 || height <= 0) {
            throw new ImageRejectedException(
                    Reason.CORRUPT, format + " image declares a size of " + width + "x" + height);
        }
        if ((long) width * height > maxPixels) {
            throw new ImageRejectedException(
                    Reason.TOO_LARGE,
                    format + " image of " + width + "x" + height + " pixels is over the limit of " + maxPixels
                            + " pixels");
        }
    }

    /** A WebP's RIFF container must hold every chunk it declares: a cut file fails here. */
    private static void checkRiffChunks(byte[] b) throws ImageRejectedException {
        long riffEnd = 8 + readIntLittleEndian(b, 4);
        if (riffEnd > b.length) {
            throw new ImageRejectedException(
                    Reason.CORRUPT,
                    "WebP image is truncated: the RIFF header declares " + riffEnd + " bytes, the file has "
                            + b.length);
        }
        long at = 12;
        while (at + 8 <= riffEnd) {
            long chunkEnd = at + 8 + readIntLittleEndian(b, (int) at + 4);
            if (chunkEnd > riffEnd) {
                throw new ImageRejectedException(
                        Reason.CORRUPT, "WebP chunk at byte " + at + " runs past the end of the file");
            }
            at = chunkEnd + (chunkEnd & 1); // chunks are padded to even sizes
        }
    }

    private static long readIntLittleEndian(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    /**
     * Bytes in none of the accepted formats: UNSUPPORTED when they are recognisably an image format we do not decode
     * (TIFF, HEIC, ...), CORRUPT otherwise, whatever content type the producer claimed (it is never consulted).
     */
    static ImageRejectedException unrecognised(byte[] bytes) {
        String known = ImageFormat.knownUnsupported(bytes);
        if (known != null) {
            return new ImageRejectedException(Reason.UNSUPPORTED_FORMAT, known + " images are not supported");
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            hex.append(String.format("%02x", bytes[i] & 0xff));
        }
        String looksLike = ImageFormat.describeNonImage(bytes);
        return new ImageRejectedException(
                Reason.CORRUPT,
                "not an image in any known format (starts with " + hex
                        + (looksLike == null ? "" : ", looks like " + looksLike)
                        + "; accepted: PNG, JPEG, GIF, BMP, WebP)");
    }

    /** A fresh instance of the allowed reader class; never whatever other plugin the classpath offers. */
    private static ImageReader reader(ImageFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
        while (readers.hasNext()) {
            ImageReader r = readers.next();
            if (r.getClass().getName().equals(format.readerClass())) {
                return r;
            }
        }
        throw new IllegalStateException(
                "the " + format + " reader " + format.readerClass() + " is not on the classpath");
    }

    private static DecodedImage read(
            ImageReader reader, ImageFormat format, PngHeader png, byte[] bytes, DecodeBuffers buffers)
            throws IOException, ImageRejectedException {
        if (format == ImageFormat.JPEG && isCmyk(reader)) {
            if (JpegHeader.adobeTransform(bytes) == 2) {
                // YCCK: the raw raster would not be CMYK; take the reader's colour conversion (not Pillow-exact)
                return fromBufferedImage(reader.read(0), format, null, null);
            }
            return cmyk(reader.readRaster(0, null));
        }
        BufferedImage destination = format == ImageFormat.JPEG && buffers != null ? destination(reader, buffers) : null;
        if (destination == null) {
            return fromBufferedImage(reader.read(0), format, png, buffers);
        }
        ImageReadParam param = reader.getDefaultReadParam();
        param.setDestination(destination);
        return fromBufferedImage(reader.read(0, param), format, png, buffers);
    }

    /**
     * The image the reader would create for itself (its first image type), but over the sample array of
     * {@code buffers}; null when that type does not keep its 8-bit samples interleaved in one byte array.
     */
    private static BufferedImage destination(ImageReader reader, DecodeBuffers buffers) throws IOException {
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        if (!types.hasNext()) {
            return null;
        }
        ImageTypeSpecifier type = types.next();
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (!(type.getSampleModel(width, height) instanceof PixelInterleavedSampleModel model)
                || model.getDataType() != DataBuffer.TYPE_BYTE) {
            return null;
        }
        int length = model.getScanlineStride() * height;
        WritableRaster raster =
                Raster.createWritableRaster(model, new DataBufferByte(buffers.samples(length), length), null);
        ColorModel colours = type.getColorModel();
        return new BufferedImage(colours, raster, colours.isAlphaPremultiplied(), null);
    }

    private static boolean isCmyk(ImageReader reader) throws IOException {
        ImageTypeSpecifier raw = reader.getRawImageType(0);
        return raw != null && raw.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK;
    }

    /** Pillow reads every CMYK JPEG as "CMYK;I": ink = 255 - stored value. */
    private static DecodedImage cmyk(Raster raster) throws ImageRejectedException {
        if (raster.getNumBands() != 4) {
            throw new ImageRejectedException(
                    Reason.UNSUPPORTED_FORMAT, "CMYK JPEG with " + raster.getNumBands() + " bands");
        }
        int w = raster.getWidth();
        int h = raster.getHeight();
        int[] pixels = new int[w * h];
        int[] row = new int[w * 4];
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int p = 0;
                for (int b = 0; b < 4; b++) {
                    p |= (255 - (row[x * 4 + b] & 0xff)) << (8 * b);
                }
                pixels[y * w + x] = p;
            }
        }
        return new DecodedImage(PillowMode.CMYK, w, h, pixels);
    }

    /**
     * The first {@code keep} bands of an 8-bit raster whose samples lie interleaved in one byte array (what the JPEG
     * and PNG readers give for RGB, RGBA and grey), packed a byte a band straight from that array; null for any
     * other layout, which takes the general path ({@code Raster.getPixels}), same result, slower.
     */
    private static int[] packBytes(Raster raster, int keep, DecodeBuffers buffers) {
        if (!(raster.getDataBuffer() instanceof DataBufferByte buffer)
                || buffer.getNumBanks() != 1
                || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel model)
                || raster.getSampleModelTranslateX() != 0
                || raster.getSampleModelTranslateY() != 0
                || model.getNumBands() < keep) {
            return null;
        }
        byte[] data = buffer.getData();
        int[] offsets = model.getBandOffsets();
        int stride = model.getPixelStride();
        int scanline = model.getScanlineStride();
        int w = raster.getWidth();
        int h = raster.getHeight();
        int[] pixels = buffers != null ? buffers.pixels(w * h) : new int[w * h];
        for (int y = 0; y < h; y++) {
            int at = buffer.getOffset() + y * scanline;
            int o = y * w;
            if (keep == 3) {
                int r = offsets[0];
                int g = offsets[1];
                int b = offsets[2];
                for (int x = 0; x < w; x++, at += stride) {
                    pixels[o + x] = (data[at + r] & 0xff) | (data[at + g] & 0xff) << 8 | (data[at + b] & 0xff) << 16;
                }
            } else {
                for (int x = 0; x < w; x++, at += stride) {
                    int p = 0;
                    for (int band = 0; band < keep; band++) {
                        p |= (data[at + offsets[band]] & 0xff) << (8 * band);
                    }
                    pixels[o + x] = p;
                }
            }
        }
        return pixels;
    }

    private static DecodedImage fromBufferedImage(
            BufferedImage image, ImageFormat format, PngHeader png, DecodeBuffers buffers)
            throws ImageRejectedException {
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        int bands = raster.getNumBands();
        int bits = cm.getComponentSize(0);
        if (cm instanceof IndexColorModel icm && bands == 1) {
            return indexed(raster, icm, format, png);
        }
        PillowMode mode;
        int keep = bands; // bands taken from the raster
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_CMYK && bands == 4) {
            throw new ImageRejectedException(Reason.UNSUPPORTED_FORMAT, format + " CMYK images are not supported");
        } else if (bands == 1 || bands == 2) {
            keep = png != null && !png.hasAlpha() ? 1 : bands; // colour key adds no alpha in Pillow
            mode = keep == 2 ? PillowMode.LA : bits > 8 && png != null ? PillowMode.I : PillowMode.L;
        } else if (bands == 3 || bands == 4) {
            keep = png != null && !png.hasAlpha() ? 3 : bands;
            mode = keep == 4 ? PillowMode.RGBA : PillowMode.RGB;
        } else {
            throw new ImageRejectedException(Reason.UNSUPPORTED_FORMAT, format + " image with " + bands + " bands");
        }
        int shift = bits > 8 && mode != PillowMode.I ? bits - 8 : 0; // Pillow keeps the high byte of 16-bit samples
        if (bits == 8 && mode != PillowMode.I) {
            int[] packed = packBytes(raster, keep, buffers);
            if (packed != null) {
                return new DecodedImage(mode, w, h, packed);
            }
        }
        int[] pixels = new int[w * h];
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int p;
                if (mode == PillowMode.I) {
                    p = row[x * bands];
                } else {
                    p = 0;
                    for (int b = 0; b < keep; b++) {
                        p |= ((row[x * bands + b] >>> shift) & 0xff) << (8 * b);
                    }
                }
                pixels[y * w + x] = p;
            }
        }
        return new DecodedImage(mode, w, h, pixels);
    }

    private static DecodedImage indexed(Raster raster, IndexColorModel icm, ImageFormat format, PngHeader png) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int colours = icm.getMapSize();
        int[] palette = new int[256];
        for (int i = 0; i < Math.min(colours, 256); i++) {
            int argb = icm.getRGB(i);
            palette[i] = ((argb >>> 16) & 0xff) | (argb & 0xff00) | (argb & 0xff) << 16;
        }
        int[] pixels = new int[w * h];
        raster.getSamples(raster.getMinX(), raster.getMinY(), w, h, 0, pixels);
        if (png != null && png.colourType() == 0) { // grey of 1, 2 or 4 bits
            int max = (1 << png.bitDepth()) - 1;
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = pixels[i] * 255 / max;
            }
            return new DecodedImage(png.bitDepth() == 1 ? PillowMode.BILEVEL : PillowMode.L, w, h, pixels);
        }
        if ((format == ImageFormat.GIF || format == ImageFormat.BMP) && isGreyRamp(palette, colours, format)) {
            boolean bilevel = format == ImageFormat.BMP && colours == 2;
            if (bilevel) {
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] *= 255;
                }
            }
            return new DecodedImage(bilevel ? PillowMode.BILEVEL : PillowMode.L, w, h, pixels);
        }
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] &= 0xff;
        }
        return new DecodedImage(PillowMode.P, w, h, pixels, palette);
    }

    /** Pillow drops a palette that is the grey ramp (GIF: entry i is (i,i,i); BMP with 2 colours: black, white). */
    private static boolean isGreyRamp(int[] palette, int colours, ImageFormat format) {
        for (int i = 0; i < Math.min(colours, 256); i++) {
            int v = format == ImageFormat.BMP && colours == 2 ? i * 255 : i;
            if (palette[i] != (v | v << 8 | v << 16)) {
                return false;
            }
        }
        return true;
    }

    /** The fields of a PNG's IHDR chunk that decide Pillow's mode. */
    record PngHeader(int width, int height, int bitDepth, int colourType) {

        static PngHeader parse(byte[] b) throws ImageRejectedException {
            // signature (8), length (4), "IHDR" (4), then width, height, bit depth, colour type
            if (b.length < 33 || b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
                throw new ImageRejectedException(Reason.CORRUPT, "PNG without an IHDR chunk");
            }
            int width = readInt(b, 16);
            int height = readInt(b, 20);
            return new PngHeader(width, height, b[24] & 0xff, b[25] & 0xff);
        }

        /** Colour types 4 (grey + alpha) and 6 (RGBA) carry alpha; a tRNS colour key does not make alpha in Pillow. */
        boolean hasAlpha() {
            return colourType == 4 || colourType == 6;
        }

        private static int readInt(byte[] b, int at) {
            return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
        }
    }

    /** The JPEG header segments (before the first scan) that change what Pillow sees. */
    static final class JpegHeader {
        private JpegHeader() {}

        /** The transform byte of the Adobe APP14 segment (0 none/CMYK, 1 YCbCr, 2 YCCK), -1 if absent. */
        static int adobeTransform(byte[] b) {
            int[] found = {-1};
            walk(b, false, (marker, at, length) -> {
                if (marker == 0xEE && length >= 14 && startsWith(b, at + 4, "Adobe")) {
                    found[0] = b[at + 4 + 11] & 0xff;
                }
                return true;
            });
            return found[0];
        }

        /**
         * The same JPEG without its APP2 ICC_PROFILE segments. Pillow ignores embedded profiles while both ImageIO
         * JPEG readers convert to sRGB with them, which changes the pixels (docs/model.md#preprocessing).
         */
        static byte[] withoutIccProfile(byte[] b) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(b.length);
            int[] copied = {0};
            walk(b, false, (marker, at, length) -> {
                if (marker == 0xE2 && startsWith(b, at + 4, "ICC_PROFILE")) {
                    out.write(b, copied[0], at - copied[0]);
                    copied[0] = at + 2 + length;
                }
                return true;
            });
            if (copied[0] == 0) {
                return b;
            }
            out.write(b, copied[0], b.length - copied[0]);
            return out.toByteArray();
        }

        /**
         * The scans of a progressive JPEG, counted up to {@code limit + 1}; 0 for any other JPEG. Stops quietly at
         * anything malformed: the decoder reports it.
         */
        static int progressiveScans(byte[] b, int limit) {
            boolean[] progressive = {false};
            int[] scans = {0};
            walk(b, true, (marker, at, length) -> {
                progressive[0] |= marker == 0xC2 || marker == 0xCA; // SOF2, SOF10: progressive Huffman, arithmetic
                if (marker == 0xDA) {
                    return progressive[0] && ++scans[0] <= limit;
                }
                return true;
            });
            return progressive[0] ? scans[0] : 0;
        }

        private interface SegmentVisitor {
            /** Whether to go on to the next segment. */
            boolean visit(int marker, int at, int length);
        }

        /**
         * Visits each length-carrying segment up to the first scan, or with {@code throughScans} past each scan's
         * entropy-coded data to the end. That data holds no marker (a 0xFF there is followed by a stuffed 0x00, a
         * restart marker or another 0xFF), so a scan ends at the next real marker. Stops quietly at anything
         * malformed.
         */
        private static void walk(byte[] b, boolean throughScans, SegmentVisitor visitor) {
            int i = 2;
            while (i + 4 <= b.length && (b[i] & 0xff) == 0xFF) {
                int marker = b[i + 1] & 0xff;
                if (marker == 0xFF) {
                    i++;
                    continue;
                }
                if (marker == 0xD9 || (marker == 0xDA && !throughScans)) {
                    return;
                }
                if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                    i += 2; // markers without a length
                    continue;
                }
                int length = (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
                if (length < 2 || i + 2 + length > b.length || !visitor.visit(marker, i, length)) {
                    return;
                }
                i += 2 + length;
                if (marker == 0xDA) {
                    i = endOfEntropyCodedData(b, i);
                }
            }
        }

        /** The index of the first real marker at or after {@code i} (or the end of the bytes). */
        private static int endOfEntropyCodedData(byte[] b, int i) {
            while (i + 1 < b.length) {
                if ((b[i] & 0xff) != 0xFF) {
                    i++;
                    continue;
                }
                int next = b[i + 1] & 0xff;
                if (next == 0xFF) {
                    i++; // fill byte: look again from the next 0xFF
                } else if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
                    i += 2;
                } else {
                    return i;
                }
            }
            return b.length;
        }

        private static boolean startsWith(byte[] b, int at, String text) {
            if (at + text.length() > b.length) {
                return false;
            }
            for (int k = 0; k < text.length(); k++) {
                if (b[at + k] != text.charAt(k)) {
                    return false;
                }
            }
            return true;
        }
    }
}
