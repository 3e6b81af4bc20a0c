# syntax=docker/dockerfile:1
# GeoDense worker image (CPU). Kept in step with ./geodense's APT_PACKAGES: Debian 12, libtorch 1.13 (oneDNN),
# OpenBLAS (pthread: without it Linear/matmul runs 10x slower), GDAL 3.6.
# CUDA variant: see docs/worker.md (build the shim against a CUDA libtorch with Torch_DIR, run on an nvidia/cuda base).
#   docker build -t geodense .
#   docker run -p 8080:8080 -e GEODENSE_API_KEY=... -v /srv/geo:/data geodense worker --config /app/pipelines/worker.yaml

ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS dotnet-sdk
FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS dotnet-runtime

# --- build: the native libtorch shim (CMake) and the .NET app ---
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libtorch-dev libdnnl-dev libopenblas0-pthread libgdal-dev cmake g++ make ca-certificates libicu72 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=dotnet-sdk /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/local/bin/dotnet
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
WORKDIR /src
COPY src/Native src/Native
RUN cmake -S src/Native -B build/native -DCMAKE_BUILD_TYPE=Release && cmake --build build/native -j"$(nproc)"
COPY Directory.Build.props Directory.Packages.props GeoDense.sln ./
COPY src src
RUN dotnet publish src/Cli/GeoDense.Cli.csproj -c Release -o /app --nologo \
 && cp build/native/libgeodense_native.so /app/

# --- runtime: libraries only, non-root ---
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libtorch1.13 libdnnl2 libopenblas0-pthread libgdal32 libicu72 ca-certificates curl fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin geodense \
 && mkdir -p /data && chown geodense /data
COPY --from=dotnet-runtime /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/local/bin/dotnet
COPY --from=build /app /app
COPY pipelines /app/pipelines
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_gcServer=0 GDAL_CACHEMAX=256
USER geodense
WORKDIR /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["curl", "-fsS", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["dotnet", "/app/geodense.dll"]
CMD ["worker", "--urls", "http://0.0.0.0:8080", "--data-root", "/data"]
