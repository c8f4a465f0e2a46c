//! `datakart profile check FILE`: validates a profile and explains every
//! problem with its line and column, showing the line with a caret, the
//! way compilers do, so a profile can be fixed in one pass.

use super::args::{ProfileCheckArgs, ProfileCommand};
use anyhow::bail;
use datakart::profile::{Problem, Profile};

/// Runs a `profile` subcommand.
pub fn run(command: ProfileCommand) -> anyhow::Result<()> {
    match command {
        ProfileCommand::Check(args) => check(args),
    }
}

fn check(args: ProfileCheckArgs) -> anyhow::Result<()> {
    let origin = args.file.display().to_string();
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => bail!("cannot read {origin}: {e}"),
    };
    match Profile::check(&text, &origin, args.file.parent()) {
        Ok(p) => {
            println!(
                "{origin}: ok: profile {:?}, {} categories, {} custom detectors, {} storage locations{}",
                p.name,
                p.categories.len(),
                p.custom.len(),
                p.regions.locations(),
                if p.block_list.is_some() {
                    ", a contact block list"
                } else {
                    ""
                }
            );
            Ok(())
        }
        Err(problems) => {
            for p in &problems {
                eprintln!("{}", explain(&origin, &text, p));
            }
            bail!("{origin}: {} problem(s)", problems.len())
        }
    }
}

/// One problem as shown to people: the message, where it is, and the line
/// with a caret under the column.
fn explain(origin: &str, text: &str, p: &Problem) -> String {
    let Some((line, column)) = p.at else {
        return format!("error: {}\n  --> {origin}", p.message);
    };
    let source = text.lines().nth(line - 1).unwrap_or("");
    let width = line.to_string().len();
    format!(
        "error: {msg}\n{pad} --> {origin}:{line}:{column}\n{pad} |\n{line} | {source}\n{pad} | {caret}^\n",
        msg = p.message,
        pad = " ".repeat(width),
        caret = " ".repeat(column.saturating_sub(1)),
    )
}
