package io.clipstream.model.image;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The image formats the service accepts, recognised by their leading bytes (never by a name or MIME type a
 * producer claims). Each names the one ImageIO reader class allowed to decode it.
 */
public enum ImageFormat {
    PNG("png", "com.sun.imageio.plugins.png.PNGImageReader"),
    JPEG("jpeg", "com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReader"),
    GIF("gif", "com.sun.imageio.plugins.gif.GIFImageReader"),
    BMP("bmp", "com.sun.imageio.plugins.bmp.BMPImageReader"),
    WEBP("webp", "com.twelvemonkeys.imageio.plugins.webp.WebPImageReader");

    private final String imageIoName;
    private final String readerClass;

    ImageFormat(String imageIoName, String readerClass) {
        this.imageIoName = imageIoName;
        this.readerClass = readerClass;
    }

    /** The format name ImageIO registers readers under. */
    public String imageIoName() {
        return imageIoName;
    }

    /** Fully qualified class name of the only reader trusted with this format. */
    public String readerClass() {
        return readerClass;
    }

    /** The accepted format these bytes start with, if any. */
    public static Optional<ImageFormat> sniff(byte[] b) {
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of(PNG);
        }
        if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
            return Optional.of(JPEG);
        }
        if (startsWith(b, 0, 'G', 'I', 'F', '8', '7', 'a') || startsWith(b, 0, 'G', 'I', 'F', '8', '9', 'a')) {
            return Optional.of(GIF);
        }
        if (startsWith(b, 0, 'B', 'M') && b.length >= 26) {
            return Optional.of(BMP);
        }
        if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
            return Optional.of(WEBP);
        }
        return Optional.empty();
    }

    /** A name for formats we recognise but refuse, to make the rejection message useful; null if unknown. */
    static String knownUnsupported(byte[] b) {
        if (startsWith(b, 0, 'I', 'I', 0x2A, 0x00) || startsWith(b, 0, 'M', 'M', 0x00, 0x2A)) {
            return "TIFF";
        }
        if (b.length >= 12 && startsWith(b, 4, 'f', 't', 'y', 'p')) {
            return "ISO media (HEIC/AVIF) " + new String(b, 8, 4, StandardCharsets.ISO_8859_1).trim();
        }
        if (startsWith(b, 0, 0x00, 0x00, 0x00, 0x0C, 'j', 'P') || startsWith(b, 0, 0xFF, 0x4F, 0xFF, 0x51)) {
            return "JPEG 2000";
        }
        if (startsWith(b, 0, '%', 'P', 'D', 'F')) {
            return "PDF";
        }
        if (startsWith(b, 0, '<')) {
            return "text/SVG/HTML";
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int offset, int... magic) {
        if (b.length < offset + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[offset + i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
