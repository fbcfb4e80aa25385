import MicrogenreCore
import MicrogenreIndex
import MicrogenreTagging

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a viewing history for the scale benchmark: `--users` users and about `--events`
/// events over the titles of an index, as CSV, deterministic for a seed.
///
/// The shape is a streaming service's: titles' popularity is Zipf-like (rank r drawn with
/// weight 1/(r+10)); users' activity is skewed (a few watch a lot, most a little, mean
/// events/users); each user has two favourite "neighbourhoods" of the catalog (runs of 400
/// titles in a fixed shuffled order) from which 60% of their titles come, so co-viewing has
/// structure to find. Per title a user plays it (seconds watched), and then may complete,
/// rate, thumb or abandon it. Times spread over the two years before 2026-12-01.
struct EventGenerator {
    static func run(_ arguments: [String]) throws {
        let indexPath = option("--index", in: arguments) ?? ".microgenre/index"
        let users = Int(option("--users", in: arguments) ?? "") ?? 500_000
        let target = Int(option("--events", in: arguments) ?? "") ?? 20_000_000
        let seed = UInt64(option("--seed", in: arguments) ?? "") ?? 42
        guard let out = option("--out", in: arguments) else {
            print("usage: MicrogenreBench events --out FILE.csv [--index DIR] [--users N] [--events N] [--seed N]")
            exit(2)
        }
        let reader = try IndexDirectory(path: indexPath).open()
        // As CSV fields: quoted when they hold a comma or a quote.
        let ids = reader.liveDocuments().sorted { $0.value < $1.value }.map { entry -> [UInt8] in
            let id = entry.key.rawValue
            guard id.contains(",") || id.contains("\"") else { return Array(id.utf8) }
            return Array(("\"" + id.replacingOccurrences(of: "\"", with: "\"\"") + "\"").utf8)
        }
        guard ids.count >= 1000 else { throw FileSystem.Failure(path: indexPath, reason: "needs 1,000 titles or more") }
        var random = SplitMix(seed: seed)
        // A fixed shuffle: neighbourhoods are runs of it; popularity follows its own shuffle.
        var order = Array(0..<ids.count)
        random.shuffle(&order)
        var byPopularity = Array(0..<ids.count)
        random.shuffle(&byPopularity)
        // Cumulative Zipf-like weights over popularity ranks.
        var cumulative = [Double](repeating: 0, count: ids.count)
        var total = 0.0
        for rank in 0..<ids.count {
            total += 1 / Double(rank + 10)
            cumulative[rank] = total
        }
        func popular(_ random: inout SplitMix) -> Int {
            let x = random.unit() * total
            var low = 0
            var high = cumulative.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] < x { low = middle + 1 } else { high = middle }
            }
            return byPopularity[low]
        }
        let neighbourhood = 400
        let neighbourhoods = max(1, ids.count / neighbourhood)
        guard let file = fopen(out, "w") else {
            throw FileSystem.Failure(path: out, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 21)
        buffer += Array("user,title,timestamp,event,value\n".utf8)
        let end: Int64 = 1_764_547_200  // 2025-12-01
        let span: Int64 = 2 * 365 * 86_400
        let mean = Double(target) / Double(users)
        var written = 0
        var seen = Set<Int>()
        for user in 0..<users {
            let userID = Array("u\(user)".utf8)
            // Skewed activity: an exponential draw (mean = the events per user), ~2 events a title.
            let titles = max(1, Int(-log(max(1e-12, random.unit())) * mean / 1.97))
            let homes = (Int(random.next() % UInt64(neighbourhoods)), Int(random.next() % UInt64(neighbourhoods)))
            seen.removeAll(keepingCapacity: true)
            var start = end - Int64(random.next() % UInt64(span))
            for _ in 0..<titles {
                let doc: Int
                if random.unit() < 0.6 {
                    let home = random.unit() < 0.5 ? homes.0 : homes.1
                    doc = order[min(ids.count - 1, home * neighbourhood + Int(random.next() % UInt64(neighbourhood)))]
                } else {
                    doc = popular(&random)
                }
                guard seen.insert(doc).inserted else { continue }
                start += Int64(3600 + random.next() % 200_000)
                func emit(_ kind: String, _ value: String, _ at: Int64) {
                    buffer += userID
                    buffer.append(0x2C)
                    buffer += ids[doc]
                    buffer.append(0x2C)
                    buffer += Array(String(at).utf8)
                    buffer.append(0x2C)
                    buffer += Array(kind.utf8)
                    buffer.append(0x2C)
                    buffer += Array(value.utf8)
                    buffer.append(0x0A)
                    written += 1
                }
                let taste = random.unit()
                let runtime = 5400.0
                if taste < 0.15 {
                    emit("play", String(Int(runtime * 0.05 * random.unit())), start)
                    emit("abandon", "", start + 600)
                } else {
                    emit("play", String(Int(runtime * (0.5 + 0.5 * random.unit()))), start)
                    if taste < 0.75 { emit("complete", "", start + 5400) }
                    if random.unit() < 0.25 { emit("rating", String(1 + Int(random.next() % 5)), start + 5500) }
                    if random.unit() < 0.1 { emit(taste < 0.3 ? "thumb_down" : "thumb_up", "", start + 5600) }
                }
                if buffer.count >= 1 << 20 {
                    fwrite(buffer, 1, buffer.count, file)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        }
        fwrite(buffer, 1, buffer.count, file)
        print("Wrote \(written) events of \(users) users over \(ids.count) titles to \(out)")
    }
}
