# clipstream, CPU image (ND4J native backend: oneDNN + AVX2, x86-64).
#   docker build -t clipstream .
#   docker run -v $PWD/models:/models -e CLIPSTREAM_BOOTSTRAP_SERVERS=... -e CLIPSTREAM_SCHEMA_REGISTRY_URL=... clipstream
# GPU image: Dockerfile.gpu. Both run `clipstream run --config /etc/clipstream/clipstream.properties`.
#
# Paths the service writes: the state dir (/var/lib/clipstream/state, a volume), /tmp (RocksDB unpacks its JNI
# library there, the JVM keeps hsperfdata there) and the JavaCPP cache (/opt/javacpp-cache, filled at build time
# below; JavaCPP 1.5.7 only uses a cache directory it may write to, even when everything is unpacked already). With
# a read-only root file system give each its own writable volume: deploy/kubernetes/ shows how.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY schemas/pom.xml schemas/
COPY model/pom.xml model/
COPY topology/pom.xml topology/
COPY bench/pom.xml bench/
COPY schemas/src schemas/src
COPY model/src model/src
COPY topology/src topology/src
# The service only: -pl topology -am leaves the benchmarks out (Maven reads bench/pom.xml, builds nothing there).
RUN mvn -B package -DskipTests -pl topology -am
COPY docker/JavacppWarmup.java docker/
RUN javac -cp topology/target/clipstream.jar -d /src/warmup docker/JavacppWarmup.java

FROM eclipse-temurin:17-jre
# curl: the compose healthcheck asks /health/ready with it. libturbojpeg (Ubuntu's name; Debian's is libturbojpeg0):
# libjpeg-turbo decodes JPEGs with Pillow's pixels in about half ImageIO's time (docs/model.md#jpeg-decoding).
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl libturbojpeg \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 clipstream \
 && useradd --system --uid 10001 --gid clipstream --home-dir /var/lib/clipstream clipstream \
 && mkdir -p /opt/clipstream /etc/clipstream /models /var/lib/clipstream/state /opt/javacpp-cache \
 && chown -R clipstream:clipstream /models /var/lib/clipstream /opt/javacpp-cache
COPY --from=build /src/topology/target/clipstream.jar /opt/clipstream/clipstream.jar
COPY --from=build /src/warmup /opt/clipstream/warmup
COPY docker/clipstream.properties /etc/clipstream/clipstream.properties
COPY docker/entrypoint.sh /opt/clipstream/entrypoint.sh
# `clipstream download` writes here; model.dir points at the default model's folder inside it.
ENV CLIPSTREAM_CACHE=/models
# OpenMP threads sleep instead of spinning while Kafka Streams and the preprocessing pool share the cores
# (BENCHMARKS.md: spinning cut batch-1 throughput from about 6 to under 2 images/s on a busy host).
ENV OMP_WAIT_POLICY=PASSIVE
# One OpenMP thread per image batch, and so (num.stream.threads=auto) one stream thread per CPU of the container,
# each with its own batches: 1.02-1.24 x a plain Python consumer loop end to end on 2 idle cores, where one stream
# thread of 2 OpenMP threads ran 0.90-0.91 x (BENCHMARKS.md). Give the images topic at least as many partitions as all
# instances' CPUs. Set OMP_NUM_THREADS= (empty) to have the entrypoint give each batch every CPU of the limit.
ENV OMP_NUM_THREADS=1
# Two glibc malloc arenas instead of one per thread: in a 1,500-batch loop of the image tower resident memory
# jumped from 0.45 to 0.9 GB without this and stayed at 0.4 GB with it (BENCHMARKS.md, Soak).
ENV MALLOC_ARENA_MAX=2
# Allocations of 128 KB or more as mappings of their own, given back when freed: glibc otherwise raises this
# threshold after the first large frees and keeps later weights and activations in its arenas, resident once freed
# (the 2 x 1 service's flood: 1.52 -> 1.12-1.19 GB, BENCHMARKS.md). io.clipstream.service.ProcessEnvironment.
ENV MALLOC_MMAP_THRESHOLD_=131072
VOLUME ["/models", "/var/lib/clipstream/state"]
EXPOSE 8080
USER clipstream
WORKDIR /var/lib/clipstream
# ND4J's native libraries (about 450 MB unpacked) go into the JavaCPP cache now, as the service's user, instead of
# on every new container's first start; loading the backend once here also fails the build on a broken jar.
RUN java -Dorg.bytedeco.javacpp.cachedir=/opt/javacpp-cache -cp /opt/clipstream/clipstream.jar:/opt/clipstream/warmup \
        JavacppWarmup --require-backend
# entrypoint.sh sets OPENBLAS_CORETYPE from the CPU's flags (and OMP_NUM_THREADS from the container's CPU limit
# when it is empty), each unless it is given (see the script).
# The JVM's default compilers (C1, then C2): C2 costs CPU in the first minutes after a start, but a running service
# then decodes and preprocesses faster and its searches need C2 for p99 <= 50 ms (BENCHMARKS.md, "C1 only").
ENTRYPOINT ["/opt/clipstream/entrypoint.sh", "java", "-XX:MaxRAMPercentage=40", "-Dorg.bytedeco.javacpp.cachedir=/opt/javacpp-cache", "-jar", "/opt/clipstream/clipstream.jar"]
CMD ["run", "--config", "/etc/clipstream/clipstream.properties"]
