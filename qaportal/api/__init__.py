"""The register's REST API, version 1: the framework every app's ``api/`` package builds on."""
