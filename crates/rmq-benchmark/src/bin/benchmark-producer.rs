//! `benchmark-producer`: see [`rmq_benchmark::producer`].

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    rmq_benchmark::run_main(rmq_benchmark::producer::run(args))
}
