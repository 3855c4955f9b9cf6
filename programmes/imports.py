"""Bulk import of programmes (by a provider's editors or a convenor) and of providers (by convenors).

An upload is read into rows of text (``programmes.import_files``) and kept on an ``ImportJob``. Each
row is checked by the same form the web pages use (``ProgrammeForm``, ``ProviderProfileForm``), so
the rules live in one place, and matched on its stable key (a programme's ``reference`` within its
provider, a provider's ``slug``): a new key creates, a known key updates, a row equal to what is
stored is unchanged. The dry run and the import are one function: the dry run writes every row in
a transaction and rolls it back, the import commits only when no row has an error. So the dry run
reports exactly what the import will do, nothing is written if any row is wrong, and uploading the
same file again finds every row unchanged. Imports only ever create or change drafts.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, connections, transaction
from django.db.models import Q
from django.utils import timezone

from programmes import import_files, policies
from programmes.forms import ProgrammeForm
from programmes.models import ImportJob, Programme
from programmes.search import refresh_search_vectors
from programmes.services import EDITABLE_FIELDS, lock_all_slugs, slug_base
from programmes.vocabulary import ProgrammeStatus
from providers.forms import ProviderProfileForm
from providers.models import PROFILE_FIELDS, Provider
from qaportal import outbox
from qaportal.errors import InvalidTransition, NotPermitted, ValidationFailed
from qaportal.submissions import TOKEN_FIELD
from qaportal.text import without_forbidden_characters

Kind, Step, Status = ImportJob.Kind, ImportJob.Step, ImportJob.Status
M = TypeVar("M", Programme, Provider)
# Above this many rows a step runs in the worker, with a progress page; at or below it, in the request.
INLINE_ROWS = settings.IMPORT_INLINE_ROWS
# Files larger than this are read by the worker, not in the request (about 1,000 rows of CSV).
INLINE_BYTES = settings.IMPORT_INLINE_BYTES
PROGRESS_EVERY = 200
BATCH = 1000
# How long the claim is held while the rows are written (no progress is reported then), so that the
# sweep never starts a second run beside a live one.
WRITE_HOLD_SECONDS = 900


class ProgrammeImportForm(ProgrammeForm):
    """The programme form with the import's key; every other rule is the web form's."""

    class Meta(ProgrammeForm.Meta):
        fields = ("reference", *EDITABLE_FIELDS)
        labels = {**ProgrammeForm.Meta.labels, "reference": "Reference"}
        error_messages = {
            **ProgrammeForm.Meta.error_messages,
            "reference": {"required": "Enter a reference: your own code for the programme, for example MATHS-01"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].required = True

    def _post_clean(self):
        # The model's check constraints (cost and hours not negative) restate rules the fields
        # already apply (the cost's minimum, the length bounds); Django asks the database about
        # each, two queries and savepoints per row, most of a 10,000-row import's time. The
        # database still enforces them when the rows are written.
        full_clean = self.instance.full_clean
        self.instance.full_clean = lambda **options: full_clean(**options, validate_constraints=False)
        try:
            super()._post_clean()
        finally:
            del self.instance.full_clean


class ProviderImportForm(ProviderProfileForm):
    class Meta(ProviderProfileForm.Meta):
        fields = ("slug", *PROFILE_FIELDS)
        labels = {**ProviderProfileForm.Meta.labels, "slug": "Reference"}
        error_messages = {
            **ProviderProfileForm.Meta.error_messages,
            "slug": {
                "required": "Enter a reference: the provider's web address name, for example northgate-learning-trust",
                "invalid": "A reference has only lower-case letters, numbers and hyphens, for example northgate-trust",
            },
        }


@dataclass(frozen=True)
class ImportSpec:
    """What differs between importing programmes and providers."""

    kind: str
    key: str  # the column rows are matched on
    form_class: type
    fields: tuple[str, ...]
    noun: str

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.key, *self.fields)


SPECS = {
    Kind.PROGRAMMES: ImportSpec(Kind.PROGRAMMES, "reference", ProgrammeImportForm, EDITABLE_FIELDS, "programme"),
    Kind.PROVIDERS: ImportSpec(Kind.PROVIDERS, "slug", ProviderImportForm, PROFILE_FIELDS, "provider"),
}


def spec_of(kind: str) -> ImportSpec:
    """The spec of a job's (or a page's) kind, which is stored and passed around as its text."""
    return SPECS[Kind(kind)]


@dataclass
class RowResult:
    row: int
    reference: str
    outcome: str  # create, update, unchanged or error
    errors: dict[str, list[str]]

    def as_json(self) -> dict:
        return {"row": self.row, "reference": self.reference, "outcome": self.outcome, "errors": self.errors}


# --- Starting, confirming, running ------------------------------------------------------------


def import_start(*, by: User, kind: str, upload, provider: Provider | None = None) -> ImportJob:
    """Read the file, keep its rows and run the dry run (inline, or queued for the worker). A large
    file is kept as it came and read by the worker: a 10,000-row workbook takes longer to parse
    than a request may last. Either way a file that cannot be read says why."""
    _check_may_import(by, kind, provider)
    name = without_forbidden_characters(str(upload.name))[:200]
    if upload.size > INLINE_BYTES:
        import_files.check_upload(upload)
        job = ImportJob.objects.create(
            kind=kind, provider=provider, requested_by=by, file_name=name, upload=upload.read()
        )
        return _queue(job)
    rows = import_files.read_rows(upload, columns=spec_of(kind).columns)
    job = ImportJob.objects.create(
        kind=kind, provider=provider, requested_by=by, file_name=name, rows=rows, total_rows=len(rows)
    )
    return _run_or_queue(job)


def import_confirm(*, job: ImportJob, by: User) -> ImportJob:
    """Import a checked file whose every row passed; all rows in one transaction, or none."""
    if not policies.may_see_import(by, job):
        raise NotPermitted("This import is not yours.")
    _check_may_import(by, job.kind, job.provider)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.step == Step.IMPORT:
            return job  # confirmed already: a second click changes nothing
        if job.status != Status.DONE or job.has_errors:
            raise InvalidTransition("Only a checked file with no errors can be imported.")
        job.step, job.status, job.rows_done, job.claimed_until = Step.IMPORT, Status.QUEUED, 0, None
        job.save(update_fields=["step", "status", "rows_done", "claimed_until"])
    return _run_or_queue(job)


def _run_or_queue(job: ImportJob) -> ImportJob:
    return _execute(job) if job.total_rows <= INLINE_ROWS else _queue(job)


def _queue(job: ImportJob) -> ImportJob:
    from programmes.tasks import run_import

    transaction.on_commit(lambda: outbox.publish(run_import, str(job.pk), what=f"import {job.pk}"))
    return job


def _read_kept_upload(job: ImportJob, upload: bytes | memoryview) -> str:
    """The worker's first part of a large file's dry run: its rows, or why it cannot be read."""
    from django.core.files.base import ContentFile

    try:
        rows = import_files.read_rows(ContentFile(bytes(upload), name=job.file_name), columns=spec_of(job.kind).columns)
    except ValidationFailed as refused:
        return refused.message
    ImportJob.objects.filter(pk=job.pk).update(rows=rows, total_rows=len(rows), upload=None)
    job.rows, job.total_rows, job.upload = rows, len(rows), None
    return ""


def import_run(*, job_id) -> ImportJob:
    """The task: claim the job's current step and run it; a finished or claimed step is left alone."""
    job = ImportJob.objects.get(pk=job_id)
    if job.is_finished or _claim(Q(pk=job.pk), fresh_too=True) is None:
        return job
    return _execute(ImportJob.objects.get(pk=job.pk))


def imports_sweep(*, limit: int = 5) -> int:
    """Run the steps no worker has (their message was lost, or their worker died)."""
    ran = 0
    while ran < limit and (job_id := _claim(Q(), fresh_too=False)) is not None:
        _execute(ImportJob.objects.get(pk=job_id))
        ran += 1
    return ran


def _claim(which: Q, *, fresh_too: bool):
    unfinished = ImportJob.objects.filter(which, status__in=[Status.QUEUED, Status.RUNNING])
    return outbox.claim_oldest_job(unfinished, fresh_too=fresh_too, status=Status.RUNNING, rows_done=0)


def _execute(job: ImportJob) -> ImportJob:
    """Run the job's step: every row's result; the import step commits only if none is an error."""
    if job.upload is not None and (unreadable := _read_kept_upload(job, job.upload)):
        return _finish(job, results=None, written=False, error=unreadable)
    write = job.step == Step.IMPORT
    with _progress(job) as report:
        try:
            with transaction.atomic():
                results = _process(job, spec_of(job.kind), report)
                failed = any(result.outcome == "error" for result in results)
                if failed or not write:
                    transaction.set_rollback(True)
        except IntegrityError:
            # Someone else took a slug or reference between the check and the write.
            return _finish(
                job,
                results=None,
                written=False,
                error="Another change reached the register at the same time; upload the file again.",
            )
    return _finish(job, results=results, written=write and not failed)


def _finish(job: ImportJob, *, results: list[RowResult] | None, written: bool, error: str = "") -> ImportJob:
    counts = {"create": 0, "update": 0, "unchanged": 0, "error": 0}
    for result in results or ():
        counts[result.outcome] += 1
    done: dict[str, list[object]] = {"rows": []} if written else {}  # imported: the file's rows are in the register now
    ImportJob.objects.filter(pk=job.pk).update(
        **done,
        status=Status.FAILED if error else Status.DONE,
        results=[result.as_json() for result in results or ()],
        counts=counts,
        written=written,
        error=error,
        upload=None,
        rows_done=job.total_rows,
        claimed_until=None,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


@contextlib.contextmanager
def _progress(job: ImportJob) -> Iterator[Callable[..., None]]:
    """Rows done, written on a connection of its own: the step's rows are in one long transaction,
    and the progress page must see the count move while it runs. It renews the claim too."""
    if job.total_rows <= INLINE_ROWS:
        yield lambda done, **hold: None
        return
    own = connections.create_connection("default")

    def report(done: int, *, hold_seconds: int = 0) -> None:
        until = max(outbox.claim_expiry(), timezone.now() + timedelta(seconds=hold_seconds))
        with own.cursor() as cursor:
            cursor.execute(
                "UPDATE programmes_importjob SET rows_done = %s, claimed_until = %s WHERE id = %s",
                [done, until, job.pk],
            )

    try:
        yield report
    finally:
        own.close()


def _check_may_import(by: User, kind: str, provider: Provider | None) -> None:
    if kind == Kind.PROGRAMMES and (provider is None or not policies.may_import_programmes_for(by, provider)):
        raise NotPermitted("You may import programmes only for a provider you edit.")
    if kind == Kind.PROVIDERS and not policies.may_import_providers(by):
        raise NotPermitted("Only convenors import providers.")


# --- Rows -------------------------------------------------------------------------------------


def _process(job: ImportJob, spec: ImportSpec, report: Callable[..., None]) -> list[RowResult]:
    keys = [row["cells"].get(spec.key, "") for row in job.rows]
    existing = _existing(job, spec, keys)
    seen: dict[str, int] = {}
    reader = import_files.CellReader(spec.form_class)
    results, creates, updates = [], [], []
    for done, row in enumerate(job.rows, start=1):
        result, instance = _check_row(job, spec, reader, row, existing, seen)
        results.append(result)
        if result.outcome == "create":
            creates.append(instance)
        elif result.outcome == "update":
            updates.append(instance)
        if done % PROGRESS_EVERY == 0:
            report(done)
    if not any(result.outcome == "error" for result in results):
        report(len(results), hold_seconds=WRITE_HOLD_SECONDS)
        _write(spec, creates, updates)
    return results


def _write(spec: ImportSpec, creates: list[object], updates: list[object]) -> None:
    if spec.kind == Kind.PROGRAMMES:
        _write_programmes(_all_of(Programme, creates), _all_of(Programme, updates))
    else:
        _write_providers(_all_of(Provider, creates), _all_of(Provider, updates))


def _all_of(model: type[M], instances: list[object]) -> list[M]:
    """The rows' instances as the model they are (a spec's form makes only that model's)."""
    return [instance for instance in instances if isinstance(instance, model)]


def _existing(job: ImportJob, spec: ImportSpec, keys: list[str]) -> dict[str, object]:
    wanted = [key for key in keys if key]
    if spec.kind == Kind.PROGRAMMES:
        found = Programme.objects.filter(provider=job.provider, reference__in=wanted)
        return {programme.reference: programme for programme in found}
    return {provider.slug: provider for provider in Provider.objects.filter(slug__in=wanted)}


def _check_row(job, spec: ImportSpec, reader, row: dict, existing: dict, seen: dict) -> tuple[RowResult, object]:
    cells, number = row["cells"], row["row"]
    key = cells.get(spec.key, "")
    instance = existing.get(key)
    form = spec.form_class(data=reader.form_data(cells, instance), instance=instance or _new(job, spec))
    errors = {name: list(messages) for name, messages in form.errors.items() if name != TOKEN_FIELD}
    if key and key in seen:
        errors.setdefault(spec.key, []).append(
            f"“{key}” is also the reference on row {seen[key]}: give each {spec.noun} its own"
        )
    elif key:
        seen[key] = number
    changed = [name for name in form.changed_data if name != TOKEN_FIELD]
    if not errors and instance is not None and changed and not _may_change(instance):
        errors["row"] = [
            f"This programme is {instance.get_status_display().lower()}: an import changes only drafts, "
            "so change it on its own page"
        ]
    if errors:
        return RowResult(number, key, "error", _renamed(errors)), None
    outcome = "create" if instance is None else ("update" if changed else "unchanged")
    return RowResult(number, key, outcome, {}), form.instance


def _new(job: ImportJob, spec: ImportSpec):
    return Programme(provider=job.provider) if spec.kind == Kind.PROGRAMMES else Provider()


def _may_change(instance) -> bool:
    return not isinstance(instance, Programme) or instance.status == ProgrammeStatus.DRAFT


def _renamed(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    return {("row" if name == "__all__" else name): messages for name, messages in errors.items()}


def _write_programmes(creates: list[Programme], updates: list[Programme]) -> None:
    if creates:
        lock_all_slugs()  # the slugs are chosen below: no create may choose one meanwhile
    for programme, slug in zip(creates, _free_slugs([programme.title for programme in creates]), strict=True):
        programme.slug, programme.status = slug, ProgrammeStatus.DRAFT
    created = Programme.objects.bulk_create(creates, batch_size=BATCH)
    now = timezone.now()
    for programme in updates:
        programme.updated_at = now
    Programme.objects.bulk_update(updates, [*EDITABLE_FIELDS, "updated_at"], batch_size=BATCH)
    ids = [programme.id for programme in [*created, *updates]]
    if ids:
        refresh_search_vectors(programme_ids=ids)


def _free_slugs(titles: list[str]) -> list[str]:
    """A unique slug per title, as ``programme_create`` makes them (base, base-2, …), in two queries."""
    bases = [slug_base(title) for title in titles]
    taken = set(Programme.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    repeated = {base for base, count in Counter(bases).items() if count > 1}
    numbered = sorted({base for base in bases if base in taken} | repeated)
    for start in range(0, len(numbered), BATCH):
        prefixes = Q()
        for base in numbered[start : start + BATCH]:
            prefixes |= Q(slug__startswith=f"{base}-")
        taken |= set(Programme.objects.filter(prefixes).values_list("slug", flat=True))
    slugs = []
    for base in bases:
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _write_providers(creates: list[Provider], updates: list[Provider]) -> None:
    Provider.objects.bulk_create(creates, batch_size=BATCH)
    now = timezone.now()
    for provider in updates:
        provider.updated_at = now
    Provider.objects.bulk_update(updates, [*PROFILE_FIELDS, "updated_at"], batch_size=BATCH)
    if updates:
        # A provider's name is searched for in its programmes.
        refresh_search_vectors(provider_ids=[provider.id for provider in updates])
