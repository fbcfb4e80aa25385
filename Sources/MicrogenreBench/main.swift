import MicrogenreFeeds
import MicrogenreText
import Glibc

let reader = try FeedReader(path: CommandLine.arguments[1])
var texts: [String] = []
while let r = try reader.next() { texts.append(r.title); texts += r.synopses.map(\.text) }
let analyzer = try Analyzer()
var ts = timespec(); clock_gettime(CLOCK_MONOTONIC, &ts); let t0 = Double(ts.tv_sec) + Double(ts.tv_nsec)/1e9
var n = 0; var bytes = 0
for var t in texts { t.withUTF8 { u in bytes += u.count; analyzer.analyze(u) { _ in n += 1 } } }
clock_gettime(CLOCK_MONOTONIC, &ts); let t1 = Double(ts.tv_sec) + Double(ts.tv_nsec)/1e9
print(n, bytes, Double(bytes)/1e6/(t1-t0), "MB/s")
