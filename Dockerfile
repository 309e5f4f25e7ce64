# clipstream, CPU image (ND4J native backend: oneDNN + AVX2, x86-64).
#   docker build -t clipstream .
#   docker run -v $PWD/models:/models -e CLIPSTREAM_BOOTSTRAP_SERVERS=... -e CLIPSTREAM_SCHEMA_REGISTRY_URL=... clipstream
# GPU image: Dockerfile.gpu. Both run `clipstream run --config /etc/clipstream/clipstream.properties`.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY schemas/pom.xml schemas/
COPY model/pom.xml model/
COPY topology/pom.xml topology/
COPY schemas/src schemas/src
COPY model/src model/src
COPY topology/src topology/src
RUN mvn -B package -DskipTests

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 clipstream \
 && useradd --system --uid 10001 --gid clipstream --home-dir /var/lib/clipstream clipstream \
 && mkdir -p /opt/clipstream /etc/clipstream /models /var/lib/clipstream/state /var/lib/clipstream/javacpp \
 && chown -R clipstream:clipstream /models /var/lib/clipstream
COPY --from=build /src/topology/target/clipstream.jar /opt/clipstream/clipstream.jar
COPY docker/clipstream.properties /etc/clipstream/clipstream.properties
COPY docker/entrypoint.sh /opt/clipstream/entrypoint.sh
# `clipstream download` writes here; model.dir points at the default model's folder inside it.
ENV CLIPSTREAM_CACHE=/models
# OpenMP threads sleep instead of spinning while Kafka Streams and the preprocessing pool share the cores
# (BENCHMARKS.md: spinning cut batch-1 throughput from about 6 to under 2 images/s on a busy host).
ENV OMP_WAIT_POLICY=PASSIVE
# Two glibc malloc arenas instead of one per thread: in a 1,500-batch loop of the image tower resident memory
# jumped from 0.45 to 0.9 GB without this and stayed at 0.4 GB with it (BENCHMARKS.md, Soak).
ENV MALLOC_ARENA_MAX=2
VOLUME ["/models", "/var/lib/clipstream/state"]
EXPOSE 8080
USER clipstream
WORKDIR /var/lib/clipstream
# ND4J unpacks its native libraries (~450 MB) into the JavaCPP cache on first start. entrypoint.sh sets
# OPENBLAS_CORETYPE from the CPU's flags unless it is given (see the script).
ENTRYPOINT ["/opt/clipstream/entrypoint.sh", "java", "-XX:MaxRAMPercentage=40", "-Dorg.bytedeco.javacpp.cachedir=/var/lib/clipstream/javacpp", "-jar", "/opt/clipstream/clipstream.jar"]
CMD ["run", "--config", "/etc/clipstream/clipstream.properties"]
