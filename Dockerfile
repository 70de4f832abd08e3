# mock-ecs as a container, for docker-compose test environments (README).
#
#   docker build -t mock-ecs .
#   docker run --rm -p 8080:8080 -v mock-ecs-data:/data mock-ecs
#
# Configured with MOCK_ECS_* environment variables (the README's settings table). Change the
# port with MOCK_ECS_PORT rather than --port: the health check reads it. Every step here also
# works outside Docker, and tests/test_dockerfile.py runs them so (CI has no Docker engine).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --system --uid 10001 --user-group --create-home mock-ecs \
    && mkdir /data && chown mock-ecs:mock-ecs /data

# .dockerignore lets in only what the package build needs. The postgres extra lets a shared
# mock keep its state in PostgreSQL: MOCK_ECS_DB=postgresql+psycopg://…
COPY . /tmp/mock-ecs
RUN pip install --no-cache-dir "/tmp/mock-ecs[postgres]" && rm -rf /tmp/mock-ecs

USER mock-ecs
WORKDIR /data
# The issue asks for `mock-ecs serve --host 0.0.0.0`; the same through the environment stays
# overridable (`-e MOCK_ECS_HOST=…`) without repeating the command.
ENV MOCK_ECS_HOST=0.0.0.0 MOCK_ECS_DATA_DIR=/data
VOLUME /data
EXPOSE 8080

# No curl in the slim image: Python asks /_mock/health, which answers once the store is ready.
HEALTHCHECK --interval=5s --timeout=5s --start-period=15s --retries=3 \
    CMD python -c "import urllib.request as r; r.urlopen('http://127.0.0.1:${MOCK_ECS_PORT:-8080}/_mock/health', timeout=4)"

CMD ["mock-ecs", "serve"]
