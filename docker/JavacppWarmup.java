import java.io.File;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.bytedeco.javacpp.Loader;

/**
 * Run once at image build time (see the Dockerfiles), with the same org.bytedeco.javacpp.cachedir as the service:
 * unpacks every JavaCPP native library of the class path (ND4J's libnd4jcpu or libnd4jcuda, OpenBLAS, JavaCPP's
 * own) into that cache exactly where JavaCPP looks for it at run time, then loads the ND4J backend once so the
 * library links JavaCPP makes on load exist too. A container then starts without unpacking about 450 MB and runs
 * with a read-only root file system.
 *
 * <p>{@code --require-backend}: fail when the backend does not load (the CPU image). The CUDA image cannot load
 * its backend at build time (no GPU and no driver library in the build), so there only the unpacking is done.
 *
 * <p>Not part of the service's sources: compiled against the service's jar in the Dockerfiles' build stage.
 */
public final class JavacppWarmup {
    private JavacppWarmup() {
    }

    public static void main(String[] args) throws Exception {
        boolean requireBackend = List.of(args).contains("--require-backend");
        System.out.println("JavaCPP cache: " + Loader.getCacheDir());
        int unpacked = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.endsWith(".jar")) {
                continue;
            }
            try (JarFile jar = new JarFile(entry)) {
                for (String name : nativeLibraries(jar)) {
                    URL url = JavacppWarmup.class.getClassLoader().getResource(name);
                    if (url != null) {
                        Loader.cacheResource(url);
                        unpacked++;
                    }
                }
            }
        }
        System.out.println("unpacked " + unpacked + " native libraries");
        try {
            Class<?> nd4j = Class.forName("org.nd4j.linalg.factory.Nd4j");
            Object backend = nd4j.getMethod("getBackend").invoke(null);
            Object sum = nd4j.getMethod("ones", int[].class).invoke(null, (Object) new int[] {2, 2});
            System.out.println("ND4J backend " + backend.getClass().getSimpleName() + " loaded (" + sum + ")");
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.out.println("ND4J backend not loaded here: " + cause);
            if (requireBackend) {
                throw e;
            }
        }
    }

    /** The jar's JavaCPP native libraries: shared objects under org/bytedeco/ or org/nd4j/ platform folders. */
    private static List<String> nativeLibraries(JarFile jar) {
        List<String> out = new ArrayList<>();
        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
            String name = e.nextElement().getName();
            boolean javacpp = name.startsWith("org/bytedeco/") || name.startsWith("org/nd4j/");
            if (javacpp && name.contains("/linux-") && name.matches(".*\\.so(\\.[0-9]+)*")) {
                out.add(name);
            }
        }
        return out;
    }
}
