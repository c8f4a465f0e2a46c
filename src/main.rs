//! The `datakart` binary: parses the command line and maps the result to an
//! exit code. All work happens in the library (`datakart::…`).

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
