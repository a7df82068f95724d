# The SIMULATED model server (not a real LLM); build the jars first (./mvnw package -DskipTests).
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY deploy/local-stack/target/lib/ /app/lib/
COPY deploy/sample-suite/cares-sample.jsonl /app/cares-sample.jsonl
# The simulated judge knows the gold canaries' labels, as a good judge would.
COPY events/src/main/resources/canaries/gold-v1.jsonl /app/gold-canaries.jsonl
EXPOSE 8089
ENTRYPOINT ["java", "-Xmx128m", "-cp", "/app/lib/*", "io.caresstream.deploy.simulated.SimulatedModelMain", \
            "--host", "0.0.0.0", "--port", "8089", "--catalog", "/app/cares-sample.jsonl", "--latency-ms", "50", \
            "--known-responses", "/app/gold-canaries.jsonl"]
