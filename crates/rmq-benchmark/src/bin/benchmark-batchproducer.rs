//! `benchmark-batchproducer`: see [`rmq_benchmark::batch_producer`].

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    rmq_benchmark::run_main(rmq_benchmark::batch_producer::run(args))
}
