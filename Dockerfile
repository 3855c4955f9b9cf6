FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml package.json package-lock.json ./
RUN pip install --no-cache-dir . && npm ci --no-audit --no-fund
COPY . .
RUN npx sass --load-path=. --load-path=node_modules --style=compressed --no-source-map --quiet \
        static/scss/app.scss static/build/app.css \
    && DJANGO_ENV=production SECRET_KEY=build-only DATABASE_URL=postgres://build-only@localhost/none \
        python manage.py collectstatic --no-input
EXPOSE 8000
# Workers warm the directory snapshot before their first request (qaportal/gunicorn_conf.py).
CMD ["gunicorn", "-c", "qaportal/gunicorn_conf.py", "qaportal.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
