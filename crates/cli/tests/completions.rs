//! `starling completions bash|zsh|fish` (issue 18): each script is made
//! from the binary's own flags, so it names the subcommands and the flags
//! of `run`, and bash can load it.

use assert_cmd::Command;

fn script(shell: &str) -> String {
    let out = Command::cargo_bin("starling")
        .unwrap()
        .args(["completions", shell])
        .output()
        .unwrap();
    assert!(out.status.success(), "{shell}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_bash_script_names_run_and_its_threshold_flag_and_loads_in_bash() {
    let bash = script("bash");
    assert!(bash.contains("run"), "{bash}");
    assert!(bash.contains("--threshold"), "{bash}");
    assert!(bash.contains("complete -F _starling"), "{bash}");
    // Sourcing it registers the completion function, as a user's shell would.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("starling.bash");
    std::fs::write(&path, &bash).unwrap();
    if let Ok(out) = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source '{}' && complete -p starling",
            path.display()
        ))
        .output()
    {
        assert!(out.status.success(), "{out:?}");
        let registered = String::from_utf8_lossy(&out.stdout);
        assert!(registered.contains("_starling"), "{registered}");
    }
}

#[test]
fn zsh_and_fish_scripts_name_the_subcommands() {
    let zsh = script("zsh");
    assert!(zsh.starts_with("#compdef starling"), "{zsh}");
    let fish = script("fish");
    for word in ["run", "validate", "merge", "completions"] {
        assert!(zsh.contains(word), "zsh lacks {word}");
        assert!(fish.contains(word), "fish lacks {word}");
    }
    assert!(fish.contains("-l threshold"), "{fish}");
}

#[test]
fn an_unsupported_shell_is_bad_input() {
    let out = Command::cargo_bin("starling")
        .unwrap()
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("[possible values: bash, zsh, fish]"), "{err}");
}
