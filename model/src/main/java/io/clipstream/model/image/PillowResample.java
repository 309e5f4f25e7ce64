package io.clipstream.model.image;

/**
 * Pillow 9.4's {@code Image.resize} without a box or reducing gap, ported for bit-exact results.
 *
 * <p>BICUBIC and BILINEAR follow {@code ImagingResample} in libImaging/Resample.c: per output pixel a window of
 * filter weights (the support widened by the scale when shrinking, which is the antialiasing), normalised,
 * turned into 22-bit fixed point for 8-bit modes; a horizontal pass into an 8-bit intermediate that holds only
 * the rows the vertical pass reads, then the vertical pass. A pass whose size does not change is skipped.
 * Mode "I" uses the same weights in double precision with Pillow's rounding. NEAREST follows
 * {@code ImagingScaleAffine} in Geometry.c (source position accumulated from the pixel centre).
 *
 * <p>Every output pixel depends only on its own coordinates, so {@link #resizeWindow} computes a window of the
 * resized image (the centre crop) without the rest and still equals a crop of the full result bit for bit.
 * Stateless and thread-safe.
 */
public final class PillowResample {

    /** The resampling filters open_clip can ask for. */
    public enum Filter {
        NEAREST(0),
        BILINEAR(1.0),
        BICUBIC(2.0);

        final double support;

        Filter(double support) {
            this.support = support;
        }

        double weight(double x) {
            if (x < 0.0) {
                x = -x;
            }
            return switch (this) {
                case BILINEAR -> x < 1.0 ? 1.0 - x : 0.0;
                case BICUBIC -> bicubic(x);
                case NEAREST -> throw new IllegalStateException("NEAREST has no convolution weights");
            };
        }

        private static double bicubic(double x) {
            final double a = -0.5; // Pillow's Keys cubic
            if (x < 1.0) {
                return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
            }
            if (x < 2.0) {
                return (((x - 5) * x + 8) * x - 4) * a;
            }
            return 0.0;
        }
    }

    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);

    private PillowResample() {}

    /** {@code image.resize((width, height), filter)} in Pillow. Modes P and 1 always use NEAREST, as in Pillow. */
    public static DecodedImage resize(DecodedImage image, int width, int height, Filter filter) {
        return resizeWindow(image, width, height, filter, 0, 0, width, height);
    }

    /**
     * The window {@code [left, left + windowWidth) x [top, top + windowHeight)} of {@code resize(image, width,
     * height, filter)}; the window must lie inside the resized image. Modes RGBA and LA are not premultiplied
     * here: that is the caller's business (see {@link PillowConvert}).
     */
    public static DecodedImage resizeWindow(
            DecodedImage image,
            int width,
            int height,
            Filter filter,
            int left,
            int top,
            int windowWidth,
            int windowHeight) {
        if (width <= 0
                || height <= 0
                || left < 0
                || top < 0
                || windowWidth <= 0
                || windowHeight <= 0
                || left + windowWidth > width
                || top + windowHeight > height) {
            throw new IllegalArgumentException("window " + windowWidth + "x" + windowHeight + "+" + left + "+" + top
                    + " is not inside " + width + "x" + height);
        }
        PillowMode mode = image.mode();
        if (mode == PillowMode.P || mode == PillowMode.BILEVEL) {
            filter = Filter.NEAREST;
        }
        int[] out;
        if (width == image.width() && height == image.height()) {
            out = copyWindow(image.pixels(), image.width(), left, top, windowWidth, windowHeight);
        } else if (filter == Filter.NEAREST) {
            out = nearest(image, width, height, left, top, windowWidth, windowHeight);
        } else {
            out = convolve(image, width, height, filter, left, top, windowWidth, windowHeight);
        }
        return new DecodedImage(mode, windowWidth, windowHeight, out, image.palette());
    }

    /** Filter weights of output pixels first .. first+count-1 along one axis (Pillow's precompute_coeffs). */
    private record Coefficients(int ksize, int[] bounds, double[] weights) {

        static Coefficients of(int inSize, int outSize, Filter filter, int first, int count) {
            double scale = (double) (float) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filter.support * filterScale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] bounds = new int[count * 2];
            double[] weights = new double[count * ksize];
            double ss = 1.0 / filterScale;
            for (int i = 0; i < count; i++) {
                int xx = first + i;
                double center = (xx + 0.5) * scale;
                int xmin = Math.max((int) (center - support + 0.5), 0);
                int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
                double ww = 0.0;
                for (int x = 0; x < xmax; x++) {
                    double w = filter.weight((x + xmin - center + 0.5) * ss);
                    weights[i * ksize + x] = w;
                    ww += w;
                }
                if (ww != 0.0) {
                    for (int x = 0; x < xmax; x++) {
                        weights[i * ksize + x] /= ww;
                    }
                }
                bounds[i * 2] = xmin;
                bounds[i * 2 + 1] = xmax;
            }
            return new Coefficients(ksize, bounds, weights);
        }

        /** Pillow's normalize_coeffs_8bpc: weights in fixed point, rounded away from zero. */
        int[] fixedPoint() {
            int[] kk = new int[weights.length];
            for (int i = 0; i < kk.length; i++) {
                double w = weights[i] * (1 << PRECISION_BITS);
                kk[i] = (int) (weights[i] < 0 ? -0.5 + w : 0.5 + w);
            }
            return kk;
        }

        int firstRow() {
            return bounds[0];
        }

        int endRow() {
            int last = bounds.length - 2;
            return bounds[last] + bounds[last + 1];
        }
    }

    private static int[] convolve(
            DecodedImage image,
            int width,
            int height,
            Filter filter,
            int left,
            int top,
            int windowWidth,
            int windowHeight) {
        boolean int32 = image.mode() == PillowMode.I;
        boolean needHorizontal = width != image.width();
        boolean needVertical = height != image.height();

        Coefficients vertical = null;
        int firstRow = top;
        int endRow = top + windowHeight;
        if (needVertical) {
            vertical = Coefficients.of(image.height(), height, filter, top, windowHeight);
            firstRow = vertical.firstRow();
            endRow = vertical.endRow();
        }
        int rows = endRow - firstRow;
        int[] mid;
        if (needHorizontal) {
            Coefficients horizontal = Coefficients.of(image.width(), width, filter, left, windowWidth);
            mid = int32
                    ? horizontalInt32(image.pixels(), image.width(), firstRow, rows, windowWidth, horizontal)
                    : horizontal8(
                            image.pixels(),
                            image.width(),
                            firstRow,
                            rows,
                            windowWidth,
                            horizontal,
                            image.mode().bands());
        } else {
            mid = copyWindow(image.pixels(), image.width(), left, firstRow, windowWidth, rows);
        }
        if (!needVertical) {
            return mid;
        }
        return int32
                ? verticalInt32(mid, windowWidth, firstRow, windowHeight, vertical)
                : vertical8(
                        mid,
                        windowWidth,
                        firstRow,
                        windowHeight,
                        vertical,
                        image.mode().bands());
    }

    /**
     * The horizontal pass for 8-bit modes. Only the image's bands are summed: the bytes above them are 0, and Pillow's
     * sum for them (the rounding half alone) clips to 0 too.
     */
    private static int[] horizontal8(
            int[] in, int inWidth, int firstRow, int rows, int outWidth, Coefficients c, int bands) {
        int[] kk = c.fixedPoint();
        int[] bounds = c.bounds();
        int ksize = c.ksize();
        int[] out = new int[outWidth * rows];
        for (int y = 0; y < rows; y++) {
            int row = (firstRow + y) * inWidth;
            for (int xx = 0; xx < outWidth; xx++) {
                int start = row + bounds[xx * 2];
                int taps = bounds[xx * 2 + 1];
                int k = xx * ksize;
                int s0 = HALF, s1 = HALF, s2 = HALF, s3 = HALF;
                if (bands <= 3) {
                    for (int x = 0; x < taps; x++) {
                        int p = in[start + x];
                        int w = kk[k + x];
                        s0 += (p & 0xff) * w;
                        s1 += ((p >>> 8) & 0xff) * w;
                        s2 += ((p >>> 16) & 0xff) * w;
                    }
                } else {
                    for (int x = 0; x < taps; x++) {
                        int p = in[start + x];
                        int w = kk[k + x];
                        s0 += (p & 0xff) * w;
                        s1 += ((p >>> 8) & 0xff) * w;
                        s2 += ((p >>> 16) & 0xff) * w;
                        s3 += (p >>> 24) * w;
                    }
                }
                out[y * outWidth + xx] = pack(s0, s1, s2, s3);
            }
        }
        return out;
    }

    /**
     * The vertical pass for 8-bit modes, a whole output row at a time: each input row the row's window reads is
     * weighted into per-column sums, a loop over consecutive columns that the JIT compiler can vectorise. Integer
     * sums, so the order does not change them.
     */
    private static int[] vertical8(int[] in, int width, int firstRow, int outHeight, Coefficients c, int bands) {
        int[] kk = c.fixedPoint();
        int[] bounds = c.bounds();
        int ksize = c.ksize();
        int[] out = new int[width * outHeight];
        int[] s0 = new int[width];
        int[] s1 = new int[width];
        int[] s2 = new int[width];
        int[] s3 = new int[width];
        for (int yy = 0; yy < outHeight; yy++) {
            java.util.Arrays.fill(s0, HALF);
            java.util.Arrays.fill(s1, HALF);
            java.util.Arrays.fill(s2, HALF);
            java.util.Arrays.fill(s3, HALF);
            int start = (bounds[yy * 2] - firstRow) * width;
            int taps = bounds[yy * 2 + 1];
            int k = yy * ksize;
            for (int y = 0; y < taps; y++) {
                int w = kk[k + y];
                int row = start + y * width;
                for (int xx = 0; xx < width; xx++) {
                    int p = in[row + xx];
                    s0[xx] += (p & 0xff) * w;
                    s1[xx] += ((p >>> 8) & 0xff) * w;
                    s2[xx] += ((p >>> 16) & 0xff) * w;
                }
                if (bands > 3) {
                    for (int xx = 0; xx < width; xx++) {
                        s3[xx] += (in[row + xx] >>> 24) * w;
                    }
                }
            }
            int o = yy * width;
            for (int xx = 0; xx < width; xx++) {
                out[o + xx] = pack(s0[xx], s1[xx], s2[xx], s3[xx]);
            }
        }
        return out;
    }

    private static int pack(int s0, int s1, int s2, int s3) {
        return clip8(s0) | clip8(s1) << 8 | clip8(s2) << 16 | clip8(s3) << 24;
    }

    /** Pillow's clip8: drop the fraction bits (arithmetic shift, i.e. floor) and clamp to 0..255. */
    private static int clip8(int sum) {
        int v = sum >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    private static int[] horizontalInt32(int[] in, int inWidth, int firstRow, int rows, int outWidth, Coefficients c) {
        double[] kk = c.weights();
        int[] bounds = c.bounds();
        int ksize = c.ksize();
        int[] out = new int[outWidth * rows];
        for (int y = 0; y < rows; y++) {
            int row = (firstRow + y) * inWidth;
            for (int xx = 0; xx < outWidth; xx++) {
                int start = row + bounds[xx * 2];
                int taps = bounds[xx * 2 + 1];
                double ss = 0.0;
                for (int x = 0; x < taps; x++) {
                    ss += in[start + x] * kk[xx * ksize + x];
                }
                out[y * outWidth + xx] = roundUp(ss);
            }
        }
        return out;
    }

    private static int[] verticalInt32(int[] in, int width, int firstRow, int outHeight, Coefficients c) {
        double[] kk = c.weights();
        int[] bounds = c.bounds();
        int ksize = c.ksize();
        int[] out = new int[width * outHeight];
        for (int yy = 0; yy < outHeight; yy++) {
            int start = (bounds[yy * 2] - firstRow) * width;
            int taps = bounds[yy * 2 + 1];
            for (int xx = 0; xx < width; xx++) {
                double ss = 0.0;
                for (int y = 0; y < taps; y++) {
                    ss += in[start + y * width + xx] * kk[yy * ksize + y];
                }
                out[yy * width + xx] = roundUp(ss);
            }
        }
        return out;
    }

    /** Pillow's ROUND_UP: half away from zero, then C's truncating cast. */
    private static int roundUp(double v) {
        return (int) (v >= 0.0 ? v + 0.5 : v - 0.5);
    }

    /** ImagingScaleAffine: source column of output column x is (int) of a running sum started at the centre. */
    private static int[] nearest(
            DecodedImage image, int width, int height, int left, int top, int windowWidth, int windowHeight) {
        int[] columns = sourcePositions(image.width(), width);
        int[] rows = sourcePositions(image.height(), height);
        int[] in = image.pixels();
        int[] out = new int[windowWidth * windowHeight];
        for (int y = 0; y < windowHeight; y++) {
            int sy = rows[top + y];
            if (sy < 0) {
                continue; // Pillow leaves such pixels at 0
            }
            for (int x = 0; x < windowWidth; x++) {
                int sx = columns[left + x];
                if (sx >= 0) {
                    out[y * windowWidth + x] = in[sy * image.width() + sx];
                }
            }
        }
        return out;
    }

    private static int[] sourcePositions(int inSize, int outSize) {
        double step = (double) (float) inSize / outSize;
        double position = step * 0.5;
        int[] table = new int[outSize];
        for (int i = 0; i < outSize; i++) {
            int p = position < 0.0 ? -1 : (int) position;
            table[i] = p < inSize ? p : -1;
            position += step;
        }
        return table;
    }

    private static int[] copyWindow(int[] in, int inWidth, int left, int top, int width, int height) {
        int[] out = new int[width * height];
        for (int y = 0; y < height; y++) {
            System.arraycopy(in, (top + y) * inWidth + left, out, y * width, width);
        }
        return out;
    }
}
