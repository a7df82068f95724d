# One image recipe for the four Quarkus services; build the jars first (./mvnw package -DskipTests).
FROM eclipse-temurin:17-jre
ARG SERVICE
WORKDIR /app
COPY ${SERVICE}/target/quarkus-app/ /app/
ENV JAVA_OPTS="-Xms128m -Xmx256m -XX:MetaspaceSize=128m"
EXPOSE 8080
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -Dquarkus.http.host=0.0.0.0 -Dquarkus.http.port=8080 -jar /app/quarkus-run.jar"]
