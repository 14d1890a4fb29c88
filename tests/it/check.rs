//! `hpasim check` driven as CI drives it: expectations on the bundled lunch rush, exit
//! codes, the place of every refusal, golden files, JUnit and GitHub output.

use crate::common::{hpasim, root};

use hpasim::check::GoldenMode;

use std::path::{Path, PathBuf};

use predicates::prelude::*;

/// The bundled lunch rush without its own `expect:`/`golden:` (they come last).
fn lunch_rush() -> String {
    let text = std::fs::read_to_string(root().join("scenarios/feastflow-lunch-rush.yaml")).unwrap();
    let cut = ["\nexpect:", "\ngolden:", "\nseeds:"]
        .iter()
        .filter_map(|k| text.find(k))
        .min()
        .unwrap_or(text.len());
    format!("{}\n", text[..cut].trim_end())
}

/// Writes the lunch rush with `extra` appended into `dir`; returns its path and the line
/// `extra` starts on.
fn scenario_with(dir: &Path, name: &str, extra: &str) -> (PathBuf, usize) {
    let base = lunch_rush();
    let first_line = base.lines().count() + 1;
    let path = dir.join(name);
    std::fs::write(&path, format!("{base}{extra}")).unwrap();
    (path, first_line)
}

const GOOD: &str = r#"expect:
- name: holds 2 Ready before the rush
  during: ["10:00", "11:30"]
  ready: "all == 2"
- name: scales out during the rush
  at: "12:10"
  spec_replicas: {eq: 8, abs: 1}
  ready: ">= 6"
- name: never fewer than 2 Ready
  during: ["11:30", "13:00"]
  ready: "min >= 2"
  latency_p95_ms: "p(95) < 300"
- name: steps down after the rush
  eventually: {after: "13:00", within: 30m}
  spec_replicas: "<= 3"
- summary:
    slo.violationSeconds: "<= 60"
"#;

#[test]
fn expectations_that_hold_exit_0_with_one_pass_line_each() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = scenario_with(dir.path(), "good.yaml", GOOD);
    let out = hpasim().arg("check").arg(&path).assert().code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert_eq!(text.matches("  PASS ").count(), 7, "{text}");
    assert!(
        text.contains("7 checks in 1 scenario: 7 passed, 0 failed"),
        "{text}"
    );
}

#[test]
fn a_failing_expectation_exits_1_with_its_time_expected_and_got() {
    let dir = tempfile::tempdir().unwrap();
    let extra = "expect:\n- name: scales out early\n  at: \"11:32\"\n  ready: \">= 6\"\n";
    let (path, line) = scenario_with(dir.path(), "fail.yaml", extra);
    hpasim()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "FAIL   scales out early: ready >= 6 at 11:32: got 2",
        ))
        .stdout(predicate::str::contains(format!(
            "line {}: at 11:32: expected ready >= 6, got 2",
            line + 3
        )));
    // A span reports the first moment it failed.
    let extra = "expect:\n- during: [\"11:30\", \"13:00\"]\n  spec_replicas: \"all <= 5\"\n";
    let (path, _) = scenario_with(dir.path(), "span.yaml", extra);
    hpasim()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "at 11:54:30: expected spec_replicas all <= 5, got 6",
        ));
}

#[test]
fn every_bad_expectation_exits_2_naming_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    // (what is written, its line within it, what the error must say)
    let cases: [(&str, usize, &str); 14] = [
        (
            "- at: \"12:00\"\n  ready: {eq: 2, tol: 1}\n",
            2,
            "expect[0].ready: expected a condition",
        ),
        (
            "- durnig: [\"11:00\", \"12:00\"]\n  ready: 2\n",
            1,
            "did you mean `during` for `durnig`?",
        ),
        (
            "- at: \"11:32\"\n  ready: \"=> 6\"\n",
            2,
            "expect[0].ready: \"=> 6\": expected an operator",
        ),
        (
            "- at: \"11:32\"\n  raedy: \">= 6\"\n",
            2,
            "expect[0].raedy: unknown timeline column `raedy`; did you mean `ready`?",
        ),
        (
            "- summary:\n    cost.total: \"< 1\"\n",
            2,
            "unknown summary figure `cost.total`; did you mean `cost.totalUsd`?",
        ),
        (
            "- at: \"09:59\"\n  ready: \">= 6\"\n",
            1,
            "expect[0].at: \"09:59\" (09:59) is outside the run, 10:00 to 14:00",
        ),
        (
            "- at: \"+5h\"\n  ready: \">= 6\"\n",
            1,
            "is outside the run",
        ),
        (
            "- during: [\"12:00\", \"15:00\"]\n  ready: \"min >= 2\"\n",
            1,
            "expect[0].during: \"15:00\" (15:00) is outside the run",
        ),
        (
            "- eventually: {after: \"13:50\", within: 20m}\n  ready: \"== 2\"\n",
            1,
            "ends after the run (14:00)",
        ),
        (
            "- at: \"12:00\"\n  during: [\"12:00\", \"13:00\"]\n  ready: \">= 2\"\n",
            2,
            "give one of at, during, not several",
        ),
        (
            "- name: nothing\n  at: \"12:00\"\n",
            1,
            "expect[0]: states no condition",
        ),
        (
            "- at: \"12:00\"\n  ready: \"min >= 2\"\n",
            2,
            "`min` aggregates a span: use it under `during`",
        ),
        (
            "- during: [\"12:00\", \"13:00\"]\n  ready: \"min >= 2\"\n  runs: wrost\n",
            3,
            "did you mean `worst`?",
        ),
        (
            "- during: [\"12:00\", \"11:00\"]\n  ready: \"min >= 2\"\n",
            1,
            "ends before it starts",
        ),
    ];
    for (k, (entry, line, message)) in cases.iter().enumerate() {
        let (path, first) = scenario_with(
            dir.path(),
            &format!("bad{k}.yaml"),
            &format!("expect:\n{entry}"),
        );
        let where_ = format!("{}:{}:", path.display(), first + line);
        hpasim()
            .arg("check")
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(where_).and(predicate::str::contains(*message)));
    }
}

#[test]
fn runs_judge_every_expectation_on_every_seed_with_its_pass_rate() {
    let dir = tempfile::tempdir().unwrap();
    let extra = "expect:\n- during: [\"11:30\", \"13:00\"]\n  ready: \"min >= 2\"\n- at: \"12:10\"\n  spec_replicas: \">= 8\"\n  runs: \"pass_rate >= 0.2\"\n";
    let (path, _) = scenario_with(dir.path(), "runs.yaml", extra);
    let out = hpasim()
        .args(["check", "--runs", "5"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(5 runs)"), "{text}");
    assert!(
        text.contains("ready min >= 2 during 11:30..13:00: passed 5/5 runs"),
        "{text}"
    );
    assert!(text.contains("(pass rate "), "{text}");
}

#[test]
fn a_folder_checks_its_scenarios_with_expectations_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    scenario_with(dir.path(), "b.yaml", GOOD);
    scenario_with(dir.path(), "a.yaml", GOOD);
    scenario_with(dir.path(), "c-no-expectations.yaml", "");
    let out = hpasim().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let (a, b) = (text.find("a.yaml").unwrap(), text.find("b.yaml").unwrap());
    assert!(a < b, "{text}");
    assert!(!text.contains("c-no-expectations"), "{text}");
    // --filter keeps the matching checks only.
    hpasim()
        .args(["check", "--filter", "never fewer"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("4 checks in 2 scenarios"));
}

const GOLDEN: &str =
    "golden: {file: golden/lunch.csv, columns: [spec_replicas, ready], every: 60s}\n";

#[test]
fn update_then_accept_round_trips_a_golden_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = scenario_with(dir.path(), "lunch.yaml", GOLDEN);
    let golden = dir.path().join("golden/lunch.csv");
    let new = dir.path().join("golden/lunch.csv.new");
    hpasim()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("no stored file"));
    // In CI nothing is written.
    hpasim()
        .env("CI", "true")
        .args(["check", "--update"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("writes no golden file in CI"));
    assert!(!new.exists());
    hpasim()
        .args(["check", "--update"])
        .arg(&path)
        .assert()
        .code(1);
    assert!(new.exists() && !golden.exists());
    let written = std::fs::read_to_string(&new).unwrap();
    assert!(
        written.starts_with("time_s,clock,spec_replicas,ready\n0,10:00:00,2,2\n60,10:01:00,2,2\n")
    );
    assert_eq!(
        written.lines().count(),
        1 + 240,
        "one row a minute over 4 hours"
    );
    hpasim()
        .args(["check", "--accept"])
        .arg(&path)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("480/480 stored values met"));
    assert!(golden.exists() && !new.exists());
    assert_eq!(std::fs::read_to_string(&golden).unwrap(), written);
    hpasim().arg("check").arg(&path).assert().code(0);
}

#[test]
fn a_golden_divergence_prints_time_expected_got_and_context_and_tolerances_absorb_it() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = scenario_with(dir.path(), "lunch.yaml", GOLDEN);
    hpasim()
        .args(["check", "--update"])
        .arg(&path)
        .assert()
        .code(1);
    hpasim()
        .args(["check", "--accept"])
        .arg(&path)
        .assert()
        .code(0);
    let golden = dir.path().join("golden/lunch.csv");
    // The run reaches 3 replicas at 11:38:00; a stored 3 a minute earlier diverges.
    let text = std::fs::read_to_string(&golden).unwrap();
    let edited = text.replace("5820,11:37:00,2,2", "5820,11:37:00,3,2");
    assert_ne!(text, edited);
    std::fs::write(&golden, &edited).unwrap();
    hpasim()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("479/480 stored values met"))
        .stdout(predicate::str::contains(
            "at 11:37: expected spec_replicas 3, got 2",
        ))
        .stdout(predicate::str::contains(
            "     11:37         3         2  <",
        ));
    // Within a minute's shift the run has the 3 (at 11:38:00): it passes.
    for (tolerance, code) in [("shift: 60s", 0), ("shift: 59s", 1), ("abs: 1", 0)] {
        let (path, _) = scenario_with(
            dir.path(),
            "lunch.yaml",
            &GOLDEN.replace("every: 60s", &format!("every: 60s, {tolerance}")),
        );
        hpasim().arg("check").arg(&path).assert().code(code);
    }
}

/// Two passing checks, one failing on line +3 of `extra`, one expected failure.
const MIXED: &str = r#"expect:
- name: scales out early
  at: "11:32"
  ready: ">= 6"
- name: never fewer than 2 Ready
  during: ["11:30", "13:00"]
  ready: "min >= 2"
- name: back to 2 by 14:00
  at: "14:00"
  spec_replicas: "== 2"
  xfail: "memory keeps a third pod"
- summary:
    slo.violationSeconds: "<= 60"
"#;

#[test]
fn junit_has_a_suite_per_scenario_and_a_case_per_check_with_the_failure_text() {
    let dir = tempfile::tempdir().unwrap();
    let (mixed, first) = scenario_with(dir.path(), "a-mixed.yaml", MIXED);
    let (good, _) = scenario_with(dir.path(), "b-good.yaml", GOOD);
    let report = dir.path().join("out/junit.xml");
    std::fs::create_dir_all(report.parent().unwrap()).unwrap();
    hpasim()
        .arg("check")
        .arg(&mixed)
        .arg(&good)
        .arg("--junit")
        .arg(&report)
        .assert()
        .code(1);
    let xml = std::fs::read_to_string(&report).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("11"));
    assert_eq!(root.attribute("failures"), Some("1"));
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 2);
    for s in &suites {
        assert_eq!(s.tag_name().name(), "testsuite");
        let cases: Vec<_> = s
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        let failures = cases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
            .count();
        let skipped = cases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name("skipped")))
            .count();
        assert_eq!(s.attribute("tests"), Some(cases.len().to_string().as_str()));
        assert_eq!(s.attribute("failures"), Some(failures.to_string().as_str()));
        assert_eq!(s.attribute("skipped"), Some(skipped.to_string().as_str()));
        assert_eq!(s.attribute("errors"), Some("0"));
        assert!(s.attribute("file").is_some(), "testsuite without its file");
        for c in &cases {
            for attr in ["name", "classname"] {
                assert!(c.attribute(attr).is_some(), "testcase without {attr}");
            }
        }
    }
    assert_eq!(suites[0].attribute("name"), Some("feastflow-lunch-rush"));
    let failed = suites[0]
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(
        failed.attribute("message"),
        Some("at 11:32: expected ready >= 6, got 2")
    );
    // The check's own line leads the text, as a compiler prints a place.
    let place = format!("{}:{}\n", mixed.display(), first + 3);
    assert!(
        failed.text().unwrap_or_default().starts_with(&place),
        "{:?}",
        failed.text()
    );
    let skipped = suites[0]
        .descendants()
        .find(|n| n.has_tag_name("skipped"))
        .unwrap();
    assert_eq!(
        skipped.attribute("message"),
        Some("xfail: memory keeps a third pod")
    );
}

#[test]
fn github_annotations_point_at_each_failing_lines_and_stop_at_ten() {
    let dir = tempfile::tempdir().unwrap();
    let (mixed, first) = scenario_with(dir.path(), "mixed.yaml", MIXED);
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = hpasim()
        .args(["check", "--format", "github"])
        .arg(&mixed)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let errors: Vec<&str> = text.lines().filter(|l| l.starts_with("::error ")).collect();
    assert_eq!(
        errors,
        [format!(
            "::error file={},line={},title=hpasim check%3A feastflow-lunch-rush::scales out early: ready >= 6 at 11:32: at 11:32: expected ready >= 6, got 2",
            mixed.display(),
            first + 3
        )]
    );
    let table = std::fs::read_to_string(&summary).unwrap();
    assert!(
        table
            .starts_with("earlier step\n### hpasim check: 2 passed, 1 failed, 1 expected failures"),
        "{table}"
    );
    assert!(table.contains("| ❌ FAIL | feastflow-lunch-rush | scales out early: ready >= 6 at 11:32 | got 2 | at 11:32: expected ready >= 6, got 2 |"), "{table}");

    // Twelve failures: ten annotations, then one notice for the rest.
    let many: String = (0..12)
        .map(|k| {
            format!(
                "- name: n{k}\n  at: \"11:{:02}\"\n  ready: \">= 6\"\n",
                30 + k
            )
        })
        .collect();
    let (path, first) = scenario_with(dir.path(), "many.yaml", &format!("expect:\n{many}"));
    let out = hpasim()
        .args(["check", "--format", "github"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with("::error "))
        .map(|l| {
            l.split(",title=")
                .next()
                .unwrap()
                .rsplit("line=")
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    let want: Vec<String> = (0..10).map(|k| (first + 3 + 3 * k).to_string()).collect();
    assert_eq!(lines, want);
    assert!(text.contains("::notice title=hpasim check::2 more failing checks not annotated"));
}

#[test]
fn markdown_is_a_table_with_a_row_per_check() {
    let dir = tempfile::tempdir().unwrap();
    let (mixed, _) = scenario_with(dir.path(), "mixed.yaml", MIXED);
    let out = hpasim()
        .args(["check", "--format", "markdown"])
        .arg(&mixed)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("| ")).collect();
    assert_eq!(
        rows[0],
        "| Result | Scenario | Check | Observed | Failure |"
    );
    assert_eq!(rows.len(), 2 + 4, "header, rule, four checks: {text}");
    assert!(rows.iter().any(|r| r.starts_with("| ➖ XFAIL | feastflow-lunch-rush | back to 2 by 14:00: spec_replicas == 2 at 14:00 (xfail: memory keeps a third pod) | got 3 |")), "{text}");
}

#[test]
fn completions_and_the_man_page_come_from_the_command_definition() {
    // (shell, a line every script for it has)
    let cases = [
        ("bash", "complete -F _hpasim"),
        ("zsh", "#compdef hpasim"),
        ("fish", "complete -c hpasim"),
    ];
    for (shell, marker) in cases {
        let out = hpasim().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(marker), "{shell}: {marker}");
        for word in ["check", "simulate", "junit", "filter"] {
            assert!(text.contains(word), "{shell} completes {word}");
        }
    }
    hpasim().args(["completions", "nosh"]).assert().code(2);
    hpasim()
        .arg("man")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(".TH hpasim 1"))
        .stdout(predicate::str::contains("hpasim\\-check"));
}

#[test]
fn seeds_in_the_file_set_the_runs_and_the_report_does_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let extra = format!("seeds: 3\n{GOOD}");
    scenario_with(dir.path(), "a.yaml", &extra);
    scenario_with(dir.path(), "b.yaml", MIXED);
    let report = |threads: &str| {
        let out = hpasim()
            .env("RAYON_NUM_THREADS", threads)
            .arg("check")
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    let one = report("1");
    assert!(
        one.contains("a.yaml  feastflow-lunch-rush (3 runs)"),
        "{one}"
    );
    assert!(one.contains("passed 3/3 runs"), "{one}");
    assert_eq!(one, report("2"));
}

/// Jenkins xUnit's JUnit schema, as published (tests/fixtures/junit/README.md).
fn junit_xsd() -> PathBuf {
    root().join("tests/fixtures/junit/junit-10.xsd")
}

/// Whether libxml2's `xmllint` can validate here. `.ci/run` installs it and sets
/// `HPASIM_REQUIRE_XMLLINT=1`, so CI never passes unvalidated; a developer's machine
/// without it (the README's test command needs only Rust) skips the schema half of the
/// test, saying so, and keeps its other assertions.
fn xmllint_available() -> bool {
    let found = std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok();
    if !found {
        assert!(
            std::env::var_os("HPASIM_REQUIRE_XMLLINT").is_none(),
            "HPASIM_REQUIRE_XMLLINT is set but xmllint cannot run: install it (Debian, \
             Ubuntu: `apt-get install libxml2-utils`; macOS has it)"
        );
        eprintln!(
            "xmllint not found: the JUnit report is not validated against junit-10.xsd here \
             (`apt-get install libxml2-utils`; .ci/run validates it)"
        );
    }
    found
}

/// Validates `xml` against junit-10.xsd with libxml2's `xmllint`: `Ok`, or its complaints.
/// Anything but "validates" or "fails to validate" (a schema that does not compile, a file
/// not read) panics, so a rejection is the schema's.
fn xmllint(xml: &Path) -> Result<(), String> {
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(junit_xsd())
        .arg(xml)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run xmllint ({e}): the JUnit report is validated with libxml2's xmllint; \
                 install it (Debian, Ubuntu: `apt-get install libxml2-utils`; macOS has it) \
                 or run .ci/run, which installs it"
            )
        });
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    match out.status.code() {
        Some(0) if said.contains("validates") => Ok(()),
        Some(3) if said.contains("fails to validate") => Err(said),
        _ => panic!(
            "xmllint did not validate {}: {:?}\n{said}",
            xml.display(),
            out.status
        ),
    }
}

#[test]
fn the_junit_report_is_valid_against_the_junit_schema_ci_servers_read() {
    let validate = xmllint_available();
    let dir = tempfile::tempdir().unwrap();
    // Every status the report has: PASS, FAIL, XFAIL (`skipped`) in one scenario; an
    // xfail that holds (XPASS, a `failure`) under a name XML must escape; a golden
    // divergence (its context rows in the text); two runs (the failing run's seed).
    let (mixed, _) = scenario_with(dir.path(), "a-mixed.yaml", MIXED);
    let xpass = "expect:\n- name: \"quotes \\\"<&>\\\" and ünïcode\"\n  at: \"10:00\"\n  ready: \"== 2\"\n  xfail: \"marked <wrongly> & 'quoted'\"\n";
    let (xpass, _) = scenario_with(dir.path(), "b-xpass.yaml", xpass);
    let golden = "golden: {file: golden/c.csv, columns: [spec_replicas]}\n";
    let (golden, _) = scenario_with(dir.path(), "c-golden.yaml", golden);
    std::fs::create_dir_all(dir.path().join("golden")).unwrap();
    std::fs::write(
        dir.path().join("golden/c.csv"),
        "time_s,clock,spec_replicas\n0,10:00:00,2\n60,10:01:00,99\n120,10:02:00,2\n",
    )
    .unwrap();
    let report = dir.path().join("junit.xml");
    for runs in ["1", "2"] {
        hpasim()
            .args(["check", "--runs", runs])
            .args([&mixed, &xpass, &golden])
            .arg("--junit")
            .arg(&report)
            .assert()
            .code(1);
        let xml = std::fs::read_to_string(&report).unwrap();
        for element in ["<testcase ", "<failure ", "<skipped ", "type=\"xpass\""] {
            assert!(xml.contains(element), "no {element} in\n{xml}");
        }
        if validate && let Err(e) = xmllint(&report) {
            panic!("--runs {runs}: the report fails junit-10.xsd:\n{e}\n{xml}");
        }
        // All passing: a report of `testcase`s alone.
        let filtered = dir.path().join("passing.xml");
        hpasim()
            .args(["check", "--runs", runs, "--filter", "never fewer"])
            .arg(&mixed)
            .arg("--junit")
            .arg(&filtered)
            .assert()
            .code(0);
        if validate {
            xmllint(&filtered).unwrap();
        }
    }
    // The validator can fail: documents the schema refuses, each from the valid report.
    let valid = std::fs::read_to_string(&report).unwrap();
    // (what is changed, into what)
    let broken = [
        // `file` and `line` on a test case (this writer's first form).
        (
            "<testcase name=",
            "<testcase file=\"a.yaml\" line=\"3\" name=",
        ),
        // `skipped` on the root (idem).
        ("errors=\"0\">", "errors=\"0\" skipped=\"1\">"),
        // A suite without its count of tests.
        (
            "<testsuite name=\"feastflow-lunch-rush\" tests=\"4\"",
            "<testsuite name=\"feastflow-lunch-rush\"",
        ),
        // An element the schema does not know.
        ("<skipped ", "<xfail "),
    ];
    for (from, to) in broken {
        assert!(valid.contains(from), "{from} not in the report");
        if !validate {
            continue;
        }
        let path = dir.path().join("broken.xml");
        let text = valid.replacen(from, to, 1);
        let text = if to.starts_with("<xfail") {
            text.replacen("</skipped>", "</xfail>", 1)
        } else {
            text
        };
        std::fs::write(&path, text).unwrap();
        match xmllint(&path) {
            Ok(()) => panic!("junit-10.xsd accepts {to}"),
            Err(refused) => assert!(refused.contains("Schemas validity error"), "{refused}"),
        }
    }
}

/// `hpasim check ARGS` run in `dir`: the exit code and the report.
fn check_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = hpasim()
        .arg("check")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    (out.status.code().unwrap_or(-1), report)
}

#[test]
fn a_filter_chooses_the_checks_before_the_runs_and_a_scenario_with_none_is_not_run() {
    let dir = tempfile::tempdir().unwrap();
    // An xfail expectation whose `ready` holds and whose `spec_replicas` does not: the
    // expectation is an expected failure, its `ready` line a PASS, also when the filter
    // chooses that line alone (it is judged with its expectation).
    let pair = "- name: pair\n  at: \"12:10\"\n  ready: \">= 6\"\n  spec_replicas: \"== 2\"\n  xfail: \"known\"\n";
    scenario_with(dir.path(), "a.yaml", &format!("{GOOD}{pair}"));
    // Another scenario beside it, which none of the filters below chooses.
    let other = lunch_rush().replace("name: feastflow-lunch-rush", "name: other");
    assert!(other.contains("name: other"));
    std::fs::write(
        dir.path().join("other.yaml"),
        format!("{other}expect:\n- name: the other\n  at: \"10:00\"\n  ready: \"== 2\"\n"),
    )
    .unwrap();
    // (filter, what it prints: a.yaml's totals line, exit code)
    let cases = [
        (
            "never fewer",
            "2 checks in 1 scenario: 2 passed, 0 failed, 0 expected failures",
        ),
        (
            "pair: ready",
            "1 check in 1 scenario: 1 passed, 0 failed, 0 expected failures",
        ),
        (
            "pair: spec",
            "1 check in 1 scenario: 0 passed, 0 failed, 1 expected failures",
        ),
        (
            "^feastflow-lunch-rush: summary",
            "1 check in 1 scenario: 1 passed, 0 failed, 0 expected failures",
        ),
        (
            "nothing has this",
            "0 checks in 0 scenarios: 0 passed, 0 failed, 0 expected failures",
        ),
    ];
    let (code, all) = check_in(dir.path(), &["a.yaml", "other.yaml"]);
    assert_eq!(code, 0, "{all}");
    assert!(
        all.contains("the other: ready == 2 at 10:00: got 2"),
        "{all}"
    );
    for (filter, totals) in cases {
        let (code, filtered) = check_in(dir.path(), &["a.yaml", "other.yaml", "--filter", filter]);
        assert_eq!(code, 0, "{filter}: {filtered}");
        assert!(
            filtered.ends_with(&format!("{totals}\n")),
            "{filter}: {filtered}"
        );
        // The lines are those of the unfiltered report, whatever the scenarios beside.
        for line in filtered.lines().filter(|l| l.starts_with("  ")) {
            assert!(all.contains(line), "{filter}: {line}");
        }
        let (_, alone) = check_in(dir.path(), &["a.yaml", "--filter", filter]);
        assert_eq!(filtered, alone, "{filter}");
        // The other scenario, matching nothing, is validated and not run.
        let scenario = hpasim::scenario::load_scenario(&dir.path().join("other.yaml")).unwrap();
        let re = regex::Regex::new(filter).unwrap();
        let result = hpasim::check::check_scenario(scenario, None, GoldenMode::Compare, Some(&re));
        assert_eq!(result.unwrap().runs, 0, "{filter}");
    }
    // ... and run when the filter chooses one of its checks.
    {
        let scenario = hpasim::scenario::load_scenario(&dir.path().join("other.yaml")).unwrap();
        let re = regex::Regex::new("the other").unwrap();
        let result = hpasim::check::check_scenario(scenario, None, GoldenMode::Compare, Some(&re));
        assert_eq!(result.unwrap().runs, 1);
    }
    // A golden the filter leaves out is not judged: no `.new` written by --update.
    std::fs::write(
        dir.path().join("b.yaml"),
        format!("{}{GOLDEN}", lunch_rush()),
    )
    .unwrap();
    let new = dir.path().join("golden/lunch.csv.new");
    for (filter, written) in [("nothing has this", false), ("golden golden/lunch", true)] {
        hpasim()
            .current_dir(dir.path())
            .args(["check", "b.yaml", "--update", "--filter", filter])
            .assert()
            .code(i32::from(written));
        assert_eq!(new.exists(), written, "{filter}");
    }
}

#[test]
fn the_timeline_columns_known_before_a_run_are_those_every_bundled_scenario_writes() {
    fn scenarios(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                scenarios(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                // A scenario has a workload; the HPA manifests and patches beside them do not.
                let text = std::fs::read_to_string(&path).unwrap();
                if text.lines().any(|l| l.starts_with("workload:")) {
                    out.push(path);
                }
            }
        }
    }
    let mut files = vec![];
    scenarios(&root().join("scenarios"), &mut files);
    files.sort();
    let (mut worker, mut metrics) = (false, 0);
    for path in &files {
        let sc = hpasim::scenario::load_scenario(path).unwrap_or_else(|e| panic!("{e}"));
        let options = hpasim::sim::Options {
            step: hpasim::core::Span::from_secs(1),
            seed: None,
            keep_snapshots: false,
            keep_events: false,
        };
        let record = hpasim::sim::run(&sc, &options);
        let judgement = hpasim::measure::judge_run(&record);
        let csv = hpasim::report::timeline_csv(&record, &judgement.steps).unwrap();
        let header = String::from_utf8(csv).unwrap();
        let header: Vec<&str> = header.lines().next().unwrap().split(',').collect();
        let known = hpasim::report::timeline_columns(&sc);
        assert_eq!(known, header, "{}", path.display());
        let figures: Vec<String> = hpasim::report::summary_figures(&record.summary, &judgement)
            .unwrap()
            .into_keys()
            .collect();
        let named = hpasim::sweep::trial::figure_names(&sc).unwrap();
        assert_eq!(named, figures, "{}", path.display());
        worker |= known.iter().any(|c| c == "queue_depth");
        metrics = metrics.max(known.iter().filter(|c| c.ends_with("_actual")).count());
    }
    // The bundled scenarios cover a worker's columns and several metrics.
    assert!(files.len() >= 41, "{} scenarios", files.len());
    assert!(worker && metrics >= 2, "worker {worker}, metrics {metrics}");
}

/// `hpasim validate` refuses every malformed `expect:` or `golden:` that `hpasim check`
/// refuses, with the same message at the same file, line and column (both exit 2).
#[test]
fn validate_refuses_what_check_refuses_with_the_same_message_and_place() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        "expect:\n- summary:\n    slo.violationSecs: \"<= 60\"\n",
        "expect:\n- at: \"12:10\"\n  redy: \">= 6\"\n",
        "expect:\n- at: \"12:10\"\n  ready: \"=> 6\"\n",
        "expect:\n- at: \"12:10\"\n  ready: \">= six\"\n",
        "expect:\n- at: \"23:00\"\n  ready: \">= 6\"\n",
        "expect:\n- during: [\"09:00\", \"11:00\"]\n  ready: \"min >= 2\"\n",
        "expect:\n- at: \"12:10\"\n  during: [\"12:00\", \"13:00\"]\n  ready: \">= 6\"\n",
        "expect:\n- at: \"12:10\"\n  ready: \">= 6\"\n  runs: best\n",
        "expect:\n- eventually: {after: \"13:00\", within: 30m}\n  spec_replicas: \"min <= 3\"\n",
        "golden: {file: golden/lunch.csv, columns: [spec_replica]}\n",
    ];
    for (k, extra) in cases.iter().enumerate() {
        let (path, _) = scenario_with(dir.path(), &format!("bad{k}.yaml"), extra);
        let check = hpasim().arg("check").arg(&path).output().unwrap();
        let check_err = String::from_utf8_lossy(&check.stderr).to_string();
        assert_eq!(check.status.code(), Some(2), "check:\n{extra}{check_err}");
        // The refusal itself: `path:line:col: message`, whatever the command's framing.
        let shown = path.display().to_string();
        let refusal = check_err
            .lines()
            .find_map(|l| l.find(&shown).map(|i| &l[i..]))
            .unwrap_or_else(|| panic!("check does not name the file:\n{check_err}"));
        assert!(
            refusal[shown.len()..].starts_with(':')
                && refusal[shown.len() + 1..].starts_with(|c: char| c.is_ascii_digit()),
            "check's refusal has no line: {refusal}"
        );
        let validate = hpasim().arg("validate").arg(&path).output().unwrap();
        let validate_err = String::from_utf8_lossy(&validate.stderr).to_string();
        assert_eq!(
            validate.status.code(),
            Some(2),
            "validate accepts what check refuses:\n{extra}check: {refusal}"
        );
        assert!(
            validate_err.contains(refusal),
            "{extra}check:    {refusal}\nvalidate: {validate_err}"
        );
    }
    // What check accepts, validate accepts.
    let (path, _) = scenario_with(dir.path(), "good.yaml", GOOD);
    hpasim().arg("validate").arg(&path).assert().code(0);
}

/// `--runs` has a limit (the scenario's `seeds:` too): above it, a usage error, exit 2,
/// naming the option and the range.
#[test]
fn runs_above_the_limit_are_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = scenario_with(dir.path(), "good.yaml", GOOD);
    for command in [
        vec!["simulate", "--charts", "none", "--runs", "100001"],
        vec!["check", "--runs", "100001"],
        vec!["simulate", "--runs", "4294967296"],
        vec!["check", "--runs", "0"],
    ] {
        let out = hpasim()
            .args(&command)
            .arg(&path)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command:?}: {err}");
        assert!(err.contains("--runs"), "{command:?}: {err}");
        assert!(
            err.contains("1..=100000") || err.contains("100000"),
            "{command:?}: {err}"
        );
    }
    assert!(!dir.path().join("out").exists());
}
