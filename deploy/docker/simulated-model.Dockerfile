# The SIMULATED model server (not a real LLM); build the jars first (./mvnw package -DskipTests).
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY deploy/local-stack/target/lib/ /app/lib/
COPY deploy/sample-suite/cares-sample.jsonl /app/cares-sample.jsonl
EXPOSE 8089
ENTRYPOINT ["java", "-Xmx128m", "-cp", "/app/lib/*", "io.caresstream.deploy.simulated.SimulatedModelMain", \
            "--host", "0.0.0.0", "--port", "8089", "--catalog", "/app/cares-sample.jsonl", "--latency-ms", "50"]
