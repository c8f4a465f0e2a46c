//! The `datakart` binary: parses the command line and maps the result to an
//! exit code. All work happens in the library (`datakart::…`).

mod cli;

/// mimalloc: each thread allocates from its own heap and frees another
/// thread's blocks without a lock (see `cli::memory` for why and how it is
/// set up).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
