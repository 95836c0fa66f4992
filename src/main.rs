//! `gcforms`, the command line of 政务云资源申请助手 (SPEC §4): the same core
//! as the desktop app, for scripting, administrators and tests.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
