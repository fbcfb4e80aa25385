// Microgenre benchmarks. Run in a release build:
//
//   swift run -c release MicrogenreBench ingest [--mb 200] [--runs 3]
//   swift run -c release MicrogenreBench analyze [--runs 3]
//   swift run -c release MicrogenreBench tag [--runs 3] [--model .microgenre/tag-model.mgtm]
//   swift run -c release MicrogenreBench search [--per-kind 60]
//   swift run -c release MicrogenreBench embed [--titles 2000] [--reference-titles 200] [--max-tokens 128]
//   swift run -c release MicrogenreBench semantic [--index .microgenre/index] [--vectors 1000000]
//   swift run -c release MicrogenreBench rows [--index .microgenre/index] [--events Corpus/events.csv]
//   swift run -c release MicrogenreBench events --out FILE.csv [--users 500000] [--events 20000000]
//     (the viewing history scripts/bench-scale.sh imports; not a benchmark itself)
//
// Every figure is printed next to a baseline measured in the same run, because these machines
// are noisy: absolute MB/s drift from run to run, ratios much less. Each timed pass runs in a
// child process, so its peak memory is its own.

#if canImport(Glibc)
    import Glibc
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "ingest": try IngestBenchmark(arguments: Array(arguments.dropFirst())).run()
    case "analyze": try AnalyzeBenchmark(arguments: Array(arguments.dropFirst())).run()
    case "tag": try TagBenchmark(arguments: Array(arguments.dropFirst())).run()
    case "search": try SearchBenchmark(arguments: Array(arguments.dropFirst())).run()
    case "embed": try EmbedBenchmark(arguments: Array(arguments.dropFirst())).run()
    case "semantic": try SemanticBenchmark(arguments: Array(arguments.dropFirst())).run()
    case "rows": try RowsBenchmark(arguments: Array(arguments.dropFirst())).run()
    case "pass": try Pass.run(Array(arguments.dropFirst()))
    case "generate": try FeedGenerator.run(Array(arguments.dropFirst()))
    case "events": try EventGenerator.run(Array(arguments.dropFirst()))
    default:
        print(
            "usage: MicrogenreBench ingest [--mb N] [--runs N] [FEED...] | analyze [--runs N] [FEED] | tag [--runs N] [--model FILE] [FEED] | search | embed [--titles N] | semantic [--index DIR] [--vectors N] | rows [--index DIR] [--events FILE]"
        )
        exit(2)
    }
} catch {
    let message = "MicrogenreBench: \(error)\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    exit(1)
}
