package io.clipstream.model.image;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

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

    /** ISO-BMFF major brands of still-image files (HEIF/HEIC and AVIF); other brands are video or audio. */
    private static final Set<String> HEIF_BRANDS = Set.of(
            "heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "mif2", "msf1", "avif", "avis");

    /**
     * The name of an image format these bytes are recognisably in but that the service does not decode; null when
     * they are in no image format we know (such bytes are corrupt, whatever content type came with them).
     */
    static String knownUnsupported(byte[] b) {
        if (startsWith(b, 0, 'I', 'I', 0x2A, 0x00)
                || startsWith(b, 0, 'M', 'M', 0x00, 0x2A)
                || startsWith(b, 0, 'I', 'I', 0x2B, 0x00)
                || startsWith(b, 0, 'M', 'M', 0x00, 0x2B)) {
            return "TIFF";
        }
        if (b.length >= 12 && startsWith(b, 4, 'f', 't', 'y', 'p')) {
            String brand = new String(b, 8, 4, StandardCharsets.ISO_8859_1);
            if (HEIF_BRANDS.contains(brand)) {
                return (brand.startsWith("av") ? "AVIF" : "HEIC/HEIF") + " (ISO media brand " + brand + ")";
            }
            return null;
        }
        if (startsWith(b, 0, 0x00, 0x00, 0x00, 0x0C, 'j', 'P', 0x20, 0x20)
                || startsWith(b, 0, 0xFF, 0x4F, 0xFF, 0x51)) {
            return "JPEG 2000";
        }
        if (startsWith(b, 0, 0x00, 0x00, 0x00, 0x0C, 'J', 'X', 'L', 0x20) || startsWith(b, 0, 0xFF, 0x0A)) {
            return "JPEG XL";
        }
        if (startsWith(b, 0, '8', 'B', 'P', 'S')) {
            return "PSD (Photoshop)";
        }
        if (isSvg(b)) {
            return "SVG";
        }
        return null;
    }

    /** What bytes in no image format look like, to make a corrupt-image message useful; null if nothing known. */
    static String describeNonImage(byte[] b) {
        if (startsWith(b, 0, '%', 'P', 'D', 'F')) {
            return "a PDF document";
        }
        if (b.length >= 12 && startsWith(b, 4, 'f', 't', 'y', 'p')) {
            return "ISO media of brand " + new String(b, 8, 4, StandardCharsets.ISO_8859_1).trim()
                    + " (video or audio)";
        }
        if (startsWith(b, 0, 'R', 'I', 'F', 'F')) {
            return "a RIFF file that is not WebP";
        }
        int first = firstNonBlank(b);
        if (first < b.length && b[first] == '<') {
            return "HTML/XML text";
        }
        return null;
    }

    /** Markup (after an optional BOM and blanks) with an svg element in its first 4 KiB. */
    private static boolean isSvg(byte[] b) {
        int first = firstNonBlank(b);
        if (first >= b.length || b[first] != '<') {
            return false;
        }
        String head = new String(b, first, Math.min(b.length - first, 4096), StandardCharsets.ISO_8859_1);
        return head.startsWith("<svg") || (head.startsWith("<?xml") || head.startsWith("<!")) && head.contains("<svg");
    }

    private static int firstNonBlank(byte[] b) {
        int i = startsWith(b, 0, 0xEF, 0xBB, 0xBF) ? 3 : 0;
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return i;
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
