# Images of the streams app and the trainer, over what the Maven build already put in */target:
#   mvn -B -pl streams-app,trainer -am package -DskipTests
#   docker compose build            (or: docker build --target streams-app -t emostream/streams-app .)
# The build needs no Docker daemon; only `docker build` does. Jib was not used because it pulls the base image
# at build time, and these build machines reach Maven Central only (see docs/DEMO_AND_DEPLOYMENT.md).
#
# A glibc base is required: ND4J's native libraries (nd4j-native linux-x86_64-onednn) do not load on musl (Alpine).
ARG JRE_IMAGE=eclipse-temurin:17-jre

FROM ${JRE_IMAGE} AS base
# curl for the compose healthchecks
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app emostream \
    && mkdir -p /models /var/lib/emostream && chown emostream /models /var/lib/emostream
# Passive OpenMP threads and no malloc trimming: up to 1.6x faster DL4J on small CPU machines (DESIGN.md)
ENV OMP_WAIT_POLICY=PASSIVE \
    GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736 \
    EMOSTREAM_MODELS=/models

FROM base AS streams-app
WORKDIR /app
COPY streams-app/target/lib/ /app/lib/
COPY streams-app/target/streams-app-*.jar /app/
USER emostream
# the settings of bin/streams-app (the GC pause goal: docs/BENCHMARKS.md)
# the inference threads size their own OpenMP teams (classifier.native.threads); the rest stays on one (bin/streams-app)
ENV OMP_NUM_THREADS=1
ENV JAVA_OPTS="-Xmx2g -XX:MaxGCPauseMillis=20 -XX:ThreadPriorityPolicy=1 -Dorg.bytedeco.javacpp.maxbytes=4G -Dorg.bytedeco.javacpp.maxphysicalbytes=8G"
EXPOSE 8080
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -cp \"$(ls /app/streams-app-*.jar | grep -v -- '-sources\\|-tests' | head -1):/app/lib/*\" dev.emostream.app.cli.StreamsAppCli \"$@\"", "streams-app"]
CMD ["run"]

FROM base AS trainer
WORKDIR /app
COPY trainer/target/lib/ /app/lib/
COPY trainer/target/trainer-*.jar /app/
USER emostream
ENV JAVA_OPTS="-Xmx4g -Dorg.bytedeco.javacpp.maxbytes=8G -Dorg.bytedeco.javacpp.maxphysicalbytes=14G"
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -cp \"$(ls /app/trainer-*.jar | grep -v -- '-sources\\|-tests' | head -1):/app/lib/*\" dev.emostream.trainer.cli.TrainerCli \"$@\"", "trainer"]
CMD ["--help"]
