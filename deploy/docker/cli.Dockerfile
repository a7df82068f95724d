# The `cares` command line in an image; docker-compose runs its `auth init` to make the stack's tokens.
# Build the jars first (./mvnw package -DskipTests): it copies cli/target/classes and cli/target/lib.
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY cli/target/classes/ /app/classes/
COPY cli/target/lib/ /app/lib/
ENTRYPOINT ["java", "-cp", "/app/classes:/app/lib/*", "io.caresstream.cli.CaresCli"]
