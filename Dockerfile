# syntax=docker/dockerfile:1
# The mock and the contract tester in one image: `mockserver serve` by default, any other subcommand on demand.
#   podman build --format docker -t mockserver:0.2.0 .          (docker build works the same)
# BASE is fully qualified: podman resolves no short names without a registries file. Where no registry is reachable,
# `make image` builds an equivalent base locally (Debian 12's python3 is 3.11) and passes it as --build-arg BASE=.
ARG BASE=docker.io/library/python:3.11-slim-bookworm

FROM ${BASE} AS build
# The record writer is C (mockserver/core/_pages.c): a compiler here, and Python's headers where the base has none.
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends gcc libc6-dev >/dev/null \
    && (python3 -c 'import pathlib, sys, sysconfig; sys.exit(not pathlib.Path(sysconfig.get_paths()["include"], "Python.h").exists())' \
        || apt-get install -y -qq --no-install-recommends python3-dev >/dev/null) \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY hatch_build.py ./
COPY pyproject.toml requirements.lock README.md ./
COPY mockserver ./mockserver
COPY spec ./spec
COPY fixtures ./fixtures
# A CA bundle, when the network needs one, comes in as a build secret: nothing of the builder's host stays behind.
RUN --mount=type=secret,id=cacert \
    if [ -s /run/secrets/cacert ]; then export PIP_CERT=/run/secrets/cacert; fi \
    && python3 -m venv /opt/mockserver \
    && /opt/mockserver/bin/pip install --no-cache-dir --disable-pip-version-check --no-compile -c requirements.lock . \
    && /opt/mockserver/bin/python -m pip uninstall --yes --quiet pip setuptools \
    && find /opt/mockserver/lib -type d -name tests -prune -exec rm -rf {} + \
    && /opt/mockserver/bin/python -m compileall -q /opt/mockserver/lib

FROM ${BASE}
ARG VERSION=0.2.0
LABEL org.opencontainers.image.title="mockserver" \
      org.opencontainers.image.description="Calendar mock & contract kit: a Connexion mock of two calendar APIs and a Schemathesis contract tester" \
      org.opencontainers.image.version="${VERSION}"
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin mockserver
COPY --from=build /opt/mockserver /opt/mockserver
ENV PATH=/opt/mockserver/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MOCKSERVER_IN_CONTAINER=1
USER 10001:10001
WORKDIR /tmp
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
ENTRYPOINT ["mockserver"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
