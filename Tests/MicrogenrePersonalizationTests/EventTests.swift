import Foundation
import MicrogenreCore
import MicrogenreTestSupport
import Testing

@testable import MicrogenreEvents

@Suite struct EventParsingTests {
    func parse(_ text: String, file: String = "events.csv") -> (events: [ViewingEvent], errors: [EventError]) {
        EventParser().parse(Array(text.utf8), file: file)
    }

    @Test func csvWithHeaderInAnyOrderQuotesAndISOTimes() {
        let (events, errors) = parse(
            """
            event,user,title,value,timestamp
            complete,u1,Fargo_(film),,2026-03-01T20:15:00Z
            play,u1,"Crouching_Tiger,_Hidden_Dragon",3600,1767225600
            rating,u2,Heat_(1995_film),4.5,2026-03-01T21:15:00+01:00
            thumb_down,u2,"The \"\"Room\"\"",,2026-03-02

            """)
        #expect(errors.isEmpty)
        #expect(events.count == 4)
        #expect(
            events[0]
                == ViewingEvent(user: "u1", title: TitleID("Fargo_(film)"), timestamp: 1_772_396_100, kind: .complete))
        #expect(events[1].title.rawValue == "Crouching_Tiger,_Hidden_Dragon" && events[1].value == 3600)
        #expect(events[2].timestamp == 1_772_396_100 && events[2].kind == .rating && events[2].value == 4.5)
        #expect(events[3].title.rawValue == "The \"Room\"" && events[3].timestamp == 1_772_409_600)
    }

    @Test func badRowsAreReportedByLineAndSkipped() {
        let (events, errors) = parse(
            """
            user,title,timestamp,event,value
            u1,A,1767225600,complete,
            ,A,1767225600,complete,
            u1,,1767225600,complete,
            u1,B,yesterday,complete,
            u1,C,1767225600,binge,
            u1,D,1767225600,rating,7
            u1,E,1767225600,play,
            u1,"F,1767225600,complete,
            u1,G,1767225600,play,lots
            u2,H,1767225600,thumb_up,
            """)
        #expect(events.map(\.title.rawValue) == ["A", "H"])
        #expect(errors.map(\.location.line) == [3, 4, 5, 6, 7, 8, 9, 10])
        #expect(errors[0].message == "missing user id")
        #expect(errors[2].message.contains("'yesterday'"))
        #expect(errors[3].message.contains("unknown event 'binge'"))
        #expect(errors[4].message.contains("outside 0 to 5"))
        #expect(errors[5].message.contains("needs a value"))
        #expect(errors[6].message.contains("unterminated"))
        #expect(errors[6].description.hasPrefix("events.csv:9:"))
    }

    /// A NUL in an id is a bad row: no store keeps it (PostgreSQL refuses it in text), and one
    /// row must not fail the import.
    @Test func aNULInAnIdIsABadRow() {
        var bytes = Array("u1,A,1767225600,complete,\nu".utf8) + [0] + Array("2,B,1767225600,complete,\n".utf8)
        bytes += Array("u3,C".utf8) + [0] + Array(",1767225600,complete,\nu4,D,1767225600,complete,\n".utf8)
        let (events, errors) = EventParser().parse(bytes, file: "nul.csv")
        #expect(events.map(\.user) == ["u1", "u4"])
        #expect(errors.map(\.location.line) == [2, 3])
        #expect(errors[0].message.contains("user id contains a NUL"))
        #expect(errors[1].message.contains("title id contains a NUL"))
    }

    @Test func invalidUTF8IsAnErrorWithItsLine() {
        var bytes = Array("u1,A,1767225600,complete,\nu1,".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array(",1767225600,complete,\n".utf8)
        let (events, errors) = EventParser().parse(bytes, file: "x.csv")
        #expect(events.count == 1)
        #expect(errors.count == 1 && errors[0].location.line == 2 && errors[0].message == "invalid UTF-8")
    }

    @Test func jsonLines() {
        let (events, errors) = parse(
            """
            {"user": "u1", "title": "A", "timestamp": 1767225600, "event": "play", "seconds": 1200}
            {"user": 7, "title": "B", "timestamp": "2026-01-01T00:00:00Z", "event": "thumb_up"}
            [1, 2]
            {"user": "u1", "title": "C", "timestamp": 1767225600, "event": "rating"}
            """, file: "events.jsonl")
        #expect(events.count == 2)
        #expect(events[0].value == 1200 && events[1].user == "7" && events[1].timestamp == 1_767_225_600)
        #expect(errors.map(\.location.line) == [3, 4])
    }

    @Test func streamingAcrossChunksKeepsLinesAndNumbers() throws {
        // About 2.5 MB, so rows straddle the reader's 1 MB chunks; one bad row deep inside.
        var text = "user,title,timestamp,event,value\n"
        for k in 0..<60_000 {
            text +=
                k == 45_000
                ? "u\(k),T\(k),never,complete,\n" : "user-\(k % 97),title-\(k),\(1_767_225_600 + k),play,\(k % 5000)\n"
        }
        text += "last,T,1767225600,thumb_up,"  // no final newline
        let path = Scratch.file("events", suffix: ".csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var events: [ViewingEvent] = []
        var errors: [EventError] = []
        let bytes = try EventParser().read(path: path) { result in
            switch result {
            case .success(let event): events.append(event)
            case .failure(let error): errors.append(error)
            }
        }
        #expect(bytes == text.utf8.count)
        #expect(events.count == 60_000 && errors.count == 1)
        #expect(errors.first?.location.line == 45_002)
        #expect(events[44_999].title.rawValue == "title-44999" && events[45_000].title.rawValue == "title-45001")
        #expect(events.last?.user == "last" && events.last?.kind == .thumbUp)
        // The same as parsing the whole file at once.
        let whole = EventParser().parse(Array(text.utf8), file: path)
        #expect(whole.events == events && whole.errors == errors)
    }

    @Test func gzipFilesReadLikePlainOnes() throws {
        let text =
            "user,title,timestamp,event,value\n"
            + (0..<5000).map { "u\($0 % 7),t\($0),\(1_767_225_600 + $0),complete,\n" }.joined()
        let directory = URL(fileURLWithPath: Scratch.directory("events-gz"))
        let plain = directory.appendingPathComponent("events.csv").path
        try text.write(toFile: plain, atomically: true, encoding: .utf8)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-k", plain]
        try gzip.run()
        gzip.waitUntilExit()
        var fromPlain: [ViewingEvent] = []
        var fromGzip: [ViewingEvent] = []
        try EventParser().read(path: plain) { if case .success(let event) = $0 { fromPlain.append(event) } }
        let bytes = try EventParser().read(path: plain + ".gz") {
            if case .success(let event) = $0 { fromGzip.append(event) }
        }
        #expect(fromPlain.count == 5000 && fromGzip == fromPlain && bytes == text.utf8.count)
        #expect(throws: FileSystem.Failure.self) {
            try EventParser().read(path: directory.path + "/missing.csv") { _ in }
        }
    }

    @Test func timestamps() {
        #expect(EventParser.parseTimestamp("1970-01-01") == 0)
        #expect(EventParser.parseTimestamp("2000-02-29T12:00:00Z") == 951_825_600)
        #expect(EventParser.parseTimestamp("1767225600000") == 1_767_225_600)
        #expect(EventParser.parseTimestamp("2026-13-01") == nil)
        // Numbers beyond the years 0000 to 9999 are refused, never trapped on.
        #expect(EventParser.parseTimestamp("-7.778886757291619e+249") == nil)
        #expect(EventParser.parseTimestamp("1e19") == nil)
        #expect(EventParser.parseTimestamp("-9223372036854775808") == nil)
        #expect(EventParser.parseTimestamp("-62167219200") == -62_167_219_200)
        #expect(EventParser.parseTimestamp("1767225600.9") == 1_767_225_600)
        #expect(EventParser.parseTimestamp("2026-01-01T10:00:00.250-05:00") == 1_767_279_600)
    }
}
