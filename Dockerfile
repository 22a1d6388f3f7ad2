# VelesDB for .NET — the REST server.
# Build:  docker build -t velesdb-dotnet .
# Run:    docker run -p 8080:8080 -v velesdb_data:/data velesdb-dotnet
# The same settings as the README command (flags > VELESDB_* environment > velesdb.toml > defaults);
# here the data directory is the /data volume and the server listens on every interface, so set
# VELESDB_API_KEYS (comma-separated) before exposing the port.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/VelesDb.Server/VelesDb.Server.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
RUN mkdir -p /data && chown app:app /data
USER app
ENV VELESDB_DATA_DIR=/data \
    VELESDB_HOST=0.0.0.0 \
    VELESDB_PORT=8080
VOLUME ["/data"]
EXPOSE 8080
# The aspnet image has no curl or wget; bash's /dev/tcp is enough for a health probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >&3 && head -n1 <&3 | grep -q " 200 "'
ENTRYPOINT ["dotnet", "VelesDb.Server.dll"]
