"""Locations and Explorer's sink path templates (api.md §7)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from graphmill.errors import ParamError
from graphmill.fs.uri import (
    Location,
    datasource_urls,
    parse_location,
    resolve_sink_url,
    resolve_template,
)

#: The datasource and datasink of the example workflow in api.md §7.
EXAMPLE_DATASOURCES: list[dict[str, Any]] = [
    {"type": "hdfs", "name": "test", "spec": {"user": "root", "url": "hdfs://host:9000/base"}}
]
EXAMPLE_SINK_SPEC: dict[str, Any] = {
    "url": "${test}/analytics/${job_id}/tasks/${task_id}/",
    "hdfsName": "test",
    "hdfsPath": "/analytics/${job_id}/tasks/${task_id}/",
    "user": "root",
}


# -- local paths -----------------------------------------------------------------------------


def test_relative_path_is_under_the_root(root: Path) -> None:
    """A relative path resolves under the files root."""
    loc = parse_location("edges/e.csv", files_root=root)
    assert loc == Location("file", "", None, str(root.resolve() / "edges" / "e.csv"))
    assert loc.uri == (root.resolve() / "edges" / "e.csv").as_uri()


def test_absolute_path_and_file_uri_inside_the_root(root: Path) -> None:
    """Absolute paths and file:// URIs are accepted inside the root."""
    inside = root.resolve() / "a" / "b.csv"
    assert parse_location(str(inside), files_root=root).path == str(inside)
    assert parse_location(inside.as_uri(), files_root=root).path == str(inside)
    assert parse_location(f"file://localhost{inside}", files_root=root).path == str(inside)
    assert parse_location(".", files_root=root).path == str(root.resolve())


@pytest.mark.parametrize("text", ["../x.csv", "a/../../x.csv", "/etc/passwd", "file:///etc/passwd"])
def test_paths_outside_the_root_are_refused(root: Path, text: str) -> None:
    """Relative escapes, absolute paths and file URIs outside the root are refused."""
    with pytest.raises(ParamError, match="outside the files root"):
        parse_location(text, files_root=root)


def test_symlink_out_of_the_root_is_refused(root: Path, tmp_path: Path) -> None:
    """A symbolic link inside the root that points out of it is refused."""
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, root / "link")
    with pytest.raises(ParamError, match="outside the files root"):
        parse_location("link/e.csv", files_root=root)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "non-empty"),
        ("   ", "non-empty"),
        ("a\x00b", "NUL"),
        ("file://otherhost/x", "must not name a host"),
        ("C:\\data\\e.csv", "Windows"),
        ("http://example.invalid/e.csv", "unsupported scheme 'http'"),
        ("ftp://h/e.csv", "unsupported scheme 'ftp'"),
        ("gs://b/k", "unsupported scheme 'gs'"),
        ("s3://b/k?versionId=1", "query strings"),
        ("s3://b/k#frag", "query strings"),
        ("s3://key:secret@bucket/k", "user names and passwords"),
        ("hdfs://root@nn:9000/p", "user names and passwords"),
        ("s3:///key", "valid bucket name"),
        ("s3://bad_bucket!/k", "valid bucket name"),
        ("s3://b:80/k", "valid bucket name"),
        ("s3://b/a/../k", "'..' are not allowed"),
        ("hdfs://nn:9000/a/./b", "'..' are not allowed"),
        ("hdfs://nn:0/p", "port '0'"),
        ("hdfs://nn:99999/p", "port '99999'"),
        ("hdfs://nn:x/p", "port 'x'"),
        ("hdfs://:9000/p", "expected hdfs://host:port/path"),
    ],
)
def test_bad_locations_are_refused_with_a_reason(root: Path, text: str, message: str) -> None:
    """Every malformed or unsupported location raises ParamError saying why."""
    with pytest.raises(ParamError, match=message):
        parse_location(text, files_root=root)


# -- remote URIs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "uri"),
    [
        ("s3://bucket/dir/e.csv", Location("s3", "bucket", None, "dir/e.csv"), "s3://bucket/dir/e.csv"),
        ("S3://bucket//dir//", Location("s3", "bucket", None, "dir"), "s3://bucket/dir"),
        ("s3a://bucket/k", Location("s3", "bucket", None, "k"), "s3://bucket/k"),
        ("s3://bucket", Location("s3", "bucket", None, ""), "s3://bucket"),
        (
            "hdfs://host:9000/base/analytics/1/",
            Location("hdfs", "host", 9000, "/base/analytics/1"),
            "hdfs://host:9000/base/analytics/1",
        ),
        ("hdfs://nn.example/p", Location("hdfs", "nn.example", None, "/p"), "hdfs://nn.example/p"),
        ("hdfs:///user/x", Location("hdfs", "default", None, "/user/x"), "hdfs:///user/x"),
        ("hdfs://host:9000", Location("hdfs", "host", 9000, "/"), "hdfs://host:9000/"),
    ],
)
def test_remote_uris_parse(root: Path, text: str, expected: Location, uri: str) -> None:
    """s3:// and hdfs:// URIs give scheme, bucket/host, port and a normalised path."""
    loc = parse_location(text, files_root=root)
    assert loc == expected
    assert loc.uri == uri == str(loc)
    assert parse_location(loc.uri, files_root=root) == loc


def test_child_and_bucket(root: Path) -> None:
    """child() appends a relative path; bucket is only defined for S3."""
    s3 = parse_location("s3://b/base", files_root=root)
    assert s3.child("x/part-0.csv").uri == "s3://b/base/x/part-0.csv"
    assert parse_location("s3://b", files_root=root).child("k").uri == "s3://b/k"
    assert s3.bucket == "b"
    hdfs = parse_location("hdfs://h:1/", files_root=root)
    assert hdfs.child("a").uri == "hdfs://h:1/a"
    assert parse_location("d", files_root=root).child("m.json").path == str(root.resolve() / "d" / "m.json")
    with pytest.raises(ValueError, match="not an S3 location"):
        _ = hdfs.bucket
    with pytest.raises(ValueError, match="not a relative path"):
        s3.child("../up")
    with pytest.raises(ValueError, match="not a relative path"):
        s3.child("")


# -- templates -------------------------------------------------------------------------------


def test_example_template_resolves() -> None:
    """The example sink url of api.md §7 resolves with the datasource's url."""
    urls = datasource_urls(EXAMPLE_DATASOURCES)
    assert urls == {"test": "hdfs://host:9000/base"}
    got = resolve_template(EXAMPLE_SINK_SPEC["url"], datasources=urls, job_id=42, task_id="analytics_pr_1")
    assert got == "hdfs://host:9000/base/analytics/42/tasks/analytics_pr_1/"


def test_template_strips_a_datasource_trailing_slash() -> None:
    """A datasource url ending in / followed by / in the template does not make //."""
    got = resolve_template("${d}/x/${job_id}", datasources={"d": "s3://b/base/"}, job_id=1, task_id="t")
    assert got == "s3://b/base/x/1"
    assert resolve_template("${d}", datasources={"d": "s3://b/"}, job_id=1, task_id="t") == "s3://b/"


def test_template_leaves_other_dollars_alone() -> None:
    """Text that is not a ${…} placeholder is kept as is."""
    got = resolve_template("a/$job_id/$/{x}/${task_id}", datasources={}, job_id=3, task_id="t1")
    assert got == "a/$job_id/$/{x}/t1"


@pytest.mark.parametrize(
    ("template", "task_id", "message"),
    [
        ("${nope}/analytics", "t", r"unknown placeholder \$\{nope\}.*datasources: test"),
        ("${}/x", "t", "empty placeholder"),
        ("${test/x", "t", "unclosed placeholder"),
        ("${test}/${job_id", "t", "unclosed placeholder"),
        ("", "t", "non-empty"),
        ("${test}/${task_id}", "a/b", "cannot be used in a path"),
        ("${test}/${task_id}", "..", "cannot be used in a path"),
        ("${test}/${task_id}", "", "cannot be used in a path"),
    ],
)
def test_template_errors(template: str, task_id: str, message: str) -> None:
    """Unknown, empty and unclosed placeholders and unsafe task ids raise ParamError."""
    with pytest.raises(ParamError, match=message):
        resolve_template(template, datasources={"test": "hdfs://h:1/b"}, job_id=1, task_id=task_id)


def test_unknown_placeholder_without_datasources_says_none() -> None:
    """With no datasources at all the message says so."""
    with pytest.raises(ParamError, match="datasources: none"):
        resolve_template("${test}/x", datasources={}, job_id=1, task_id="t")


def test_sink_spec_forms() -> None:
    """A sink spec may give url, hdfsName+hdfsPath, or both when they agree."""
    urls = {"test": "hdfs://host:9000/base"}
    want = "hdfs://host:9000/base/analytics/7/tasks/t1/"
    assert resolve_sink_url(EXAMPLE_SINK_SPEC, datasources=urls, job_id=7, task_id="t1") == want
    only_url = {"url": EXAMPLE_SINK_SPEC["url"]}
    assert resolve_sink_url(only_url, datasources=urls, job_id=7, task_id="t1") == want
    only_name = {"hdfsName": "test", "hdfsPath": "/analytics/${job_id}/tasks/${task_id}/"}
    assert resolve_sink_url(only_name, datasources=urls, job_id=7, task_id="t1") == want


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"url": "${test}/a/${job_id}", "hdfsName": "test", "hdfsPath": "/b/${job_id}"}, "but hdfsName"),
        ({"hdfsName": "test"}, "both hdfsName and hdfsPath"),
        ({"hdfsPath": "/x"}, "both hdfsName and hdfsPath"),
        ({"user": "root"}, "needs a url or hdfsName"),
        ({"hdfsName": "other", "hdfsPath": "/x"}, r"unknown placeholder \$\{other\}"),
    ],
)
def test_sink_spec_errors(spec: dict[str, Any], message: str) -> None:
    """Disagreeing, incomplete or unknown sink specs raise ParamError."""
    with pytest.raises(ParamError, match=message):
        resolve_sink_url(spec, datasources={"test": "hdfs://h:9000/base"}, job_id=1, task_id="t")


def test_datasource_urls_skips_entries_without_url_and_refuses_duplicates() -> None:
    """Datasources without a url are left out; a duplicate name is an error."""
    entries: list[dict[str, Any]] = [
        {"type": "nebula", "name": "g", "spec": {"space": "s"}},
        {"type": "hdfs", "name": "h", "spec": {"url": "s3://b/x"}},
        {"type": "hdfs", "spec": {"url": "s3://b/y"}},
    ]
    assert datasource_urls(entries) == {"h": "s3://b/x"}
    with pytest.raises(ParamError, match="two datasources are named 'g'"):
        datasource_urls([*entries, {"name": "g", "spec": {"url": "s3://b/z"}}])
