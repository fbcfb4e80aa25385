internal import CLibXML2
public import MicrogenreCore

#if canImport(Glibc)
    import Glibc
#endif

/// Reads title records from one XML feed, streaming: memory stays flat however large the feed.
///
/// Plain and gzipped files are both read (libxml2 detects gzip). The format comes from the root
/// element unless ``FeedOptions/format`` names one. Parsing is safe for hostile input: no DTD,
/// external entity or network resource is ever loaded, and entity expansion is bounded.
///
/// Records come from ``next()``. Problems that do not stop reading (a record without an id,
/// a truncated field, a recoverable XML error) collect in ``diagnostics``; a malformed document
/// makes ``next()`` throw a ``FeedError`` with the file, line and column, after every good
/// record before the fault has been returned.
public final class FeedReader {
    /// The path as the caller gave it, used in every location.
    public let path: String
    /// The feed's format, known once the root element has been read.
    public private(set) var format: FeedFormat?
    /// Warnings so far; ``takeDiagnostics()`` drains them.
    public var diagnostics: [Diagnostic] { context.diagnostics }

    private let reader: xmlTextReaderPtr
    /// For a feed read from memory: the bytes libxml2 reads (it does not copy them), owned here.
    private var memory: UnsafeMutablePointer<CChar>?
    private let errors = ErrorSink()
    private var context: MappingContext
    private var mapper: (any RecordMapper)?
    private var positioned = false
    private var done = false
    /// After a fatal error: complete records salvaged from the partial tree, then the error.
    private var salvaged: [TitleRecord] = []
    private var pendingError: FeedError?
    private var lastRecordLine = 0
    private var orphanedDoc: xmlDocPtr?

    /// Opens `path` (`-` for standard input).
    public init(path: String, options: FeedOptions = FeedOptions()) throws {
        Self.installSafetyHooks
        self.path = path
        context = MappingContext(file: path, options: options)
        format = options.format
        mapper = options.format?.mapper
        let flags = Self.parserFlags
        let opened: xmlTextReaderPtr?
        if path == "-" {
            opened = xmlReaderForFd(0, "stdin", nil, flags)
        } else {
            guard access(path, R_OK) == 0 else {
                let reason = String(cString: strerror(errno))
                throw FeedError(at: SourceLocation(file: path, line: 0), "cannot open feed: \(reason)")
            }
            opened = xmlReaderForFile(path, nil, flags)
        }
        guard let opened else {
            throw FeedError(at: SourceLocation(file: path, line: 0), "cannot open feed")
        }
        reader = opened
        xmlTextReaderSetStructuredErrorHandler(reader, errorCallback, Unmanaged.passUnretained(errors).toOpaque())
    }

    /// Reads a feed held in memory; `name` stands for the file in locations.
    public init(bytes: [UInt8], name: String, options: FeedOptions = FeedOptions()) throws {
        Self.installSafetyHooks
        path = name
        context = MappingContext(file: name, options: options)
        format = options.format
        mapper = options.format?.mapper
        let flags = Self.parserFlags
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, bytes.count))
        if !bytes.isEmpty {
            bytes.withUnsafeBufferPointer { source in
                source.withMemoryRebound(to: CChar.self) { copy.update(from: $0.baseAddress!, count: $0.count) }
            }
        }
        memory = copy
        guard let opened = xmlReaderForMemory(copy, Int32(bytes.count), name, nil, flags) else {
            throw FeedError(at: SourceLocation(file: name, line: 0), "cannot read the feed")
        }
        reader = opened
        xmlTextReaderSetStructuredErrorHandler(reader, errorCallback, Unmanaged.passUnretained(errors).toOpaque())
    }

    /// libxml2's settings for every feed: no network, CDATA as text, compact nodes, line
    /// numbers past 65535.
    static let parserFlags = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue
            | XML_PARSE_BIG_LINES.rawValue)

    deinit {
        xmlFreeTextReader(reader)
        memory?.deallocate()
        if let orphanedDoc { xmlFreeDoc(orphanedDoc) }
    }

    /// Reads `path` with the same parser settings as a feed but builds nothing: the parse
    /// ceiling that benchmarks compare ingestion with. Returns the bytes of XML and the
    /// number of elements.
    public static func scan(path: String) throws -> (bytes: Int, elements: Int) {
        let reader = try FeedReader(path: path)
        var elements = 0
        while true {
            let status = xmlTextReaderRead(reader.reader)
            if status == 0 { break }
            if status < 0 { throw reader.fail() }
            if xmlTextReaderNodeType(reader.reader) == Int32(XML_READER_TYPE_ELEMENT.rawValue) { elements += 1 }
        }
        return (reader.bytesConsumed, elements)
    }

    /// Replaces the element-name cache with one of `size` slots (tests: names evicting each other).
    func useNameCache(size: Int) { context.elementNames = InternedNameCache(size: size) }

    /// Bytes of (decompressed) XML consumed so far, for progress reports.
    public var bytesConsumed: Int { Int(xmlTextReaderByteConsumed(reader)) }

    /// Returns the warnings collected so far and forgets them.
    public func takeDiagnostics() -> [Diagnostic] {
        flushParserWarnings()
        defer { context.diagnostics.removeAll() }
        return context.diagnostics
    }

    /// The next record, or nil at the end of the feed.
    public func next() throws -> TitleRecord? {
        if !salvaged.isEmpty { return salvaged.removeFirst() }
        if let pendingError {
            self.pendingError = nil
            throw pendingError
        }
        while !done {
            if positioned {
                positioned = false
            } else {
                let status = xmlTextReaderRead(reader)
                if status == 0 {
                    done = true
                    flushParserWarnings()
                    if let fatal = errors.fatal { throw error(fatal) }
                    break
                }
                if status < 0 { return try failAfterSalvage() }
            }
            guard xmlTextReaderNodeType(reader) == Int32(XML_READER_TYPE_ELEMENT.rawValue) else { continue }
            let depth = Int(xmlTextReaderDepth(reader))
            let localName = String(cString: xmlTextReaderConstLocalName(reader))
            if depth == 0 && mapper == nil {
                guard let detected = FeedFormat(rootElement: localName) else {
                    done = true
                    let formats = FeedFormat.allCases.map(\.rawValue).joined(separator: ", ")
                    let line = xmlTextReaderCurrentNode(reader).map { Int(xmlGetLineNo($0)) } ?? 0
                    throw FeedError(
                        at: SourceLocation(file: path, line: line),
                        "unknown feed format: root element <\(localName)> is not one of the supported formats (\(formats)); pass --format to choose one"
                    )
                }
                format = detected
                mapper = detected.mapper
            }
            guard let mapper, mapper.isRecord(localName: localName, depth: depth) else { continue }
            guard let node = xmlTextReaderExpand(reader) else { return try failAfterSalvage() }
            context.beginRecord()
            lastRecordLine = Int(xmlGetLineNo(node))
            let record: TitleRecord?
            do {
                record = try mapper.map(XMLNodeView(node: node), &context)
            } catch {
                done = true
                throw error
            }
            // Skip the record's subtree; the reader now sits on the node after it.
            let moved = xmlTextReaderNext(reader)
            if moved < 0 {
                pendingError = fail()
                if let record { return record }
                return try next()
            }
            if moved == 0 { done = true }
            positioned = moved == 1
            flushParserWarnings()
            if let record { return record }
        }
        return nil
    }

    private func currentLocation() -> SourceLocation {
        SourceLocation(
            file: path, line: Int(xmlTextReaderGetParserLineNumber(reader)),
            column: Int(xmlTextReaderGetParserColumnNumber(reader)))
    }

    private func fail() -> FeedError {
        done = true
        flushParserWarnings()
        if let fatal = errors.fatal ?? errors.lastError { return error(fatal) }
        return FeedError(at: currentLocation(), "the XML parser stopped")
    }

    /// The parser stopped on a fatal error. libxml2 parses a little ahead of the records handed
    /// out, so the partial tree may still hold complete records after the last one returned:
    /// those whose end tag was read (the parser went on past them) are mapped and returned
    /// first, then the error is thrown.
    private func failAfterSalvage() throws -> TitleRecord? {
        let failure = fail()
        // Asking for the document makes it ours to free, whether or not it has a root element.
        if let doc = xmlTextReaderCurrentDoc(reader) { orphanedDoc = doc }
        if let doc = orphanedDoc, let root = xmlDocGetRootElement(doc) {
            if mapper == nil, let detected = FeedFormat(rootElement: String(cString: root.pointee.name)) {
                format = detected
                mapper = detected.mapper
            }
            if let mapper { salvage(root, depth: 0, mapper: mapper) }
        }
        pendingError = failure
        return try next()
    }

    private func salvage(_ node: xmlNodePtr, depth: Int, mapper: any RecordMapper) {
        let name = String(cString: node.pointee.name)
        let line = Int(xmlGetLineNo(node))
        if mapper.isRecord(localName: name, depth: depth) {
            guard line > lastRecordLine, node.pointee.next != nil else { return }
            context.beginRecord()
            if let record = try? mapper.map(XMLNodeView(node: node), &context) { salvaged.append(record) }
            lastRecordLine = line
            return
        }
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE { salvage(c, depth: depth + 1, mapper: mapper) }
            child = c.pointee.next
        }
    }

    private func error(_ message: ParserMessage) -> FeedError {
        var text = message.text
        if message.code == Int32(XML_ERR_ENTITY_LOOP.rawValue) {
            text += " (entity expansion refused: a possible billion-laughs attack)"
        }
        // Errors inside an entity's replacement text carry positions within the entity; point
        // at the parser's place in the feed instead.
        guard message.inMainDocument(path) else {
            var location = currentLocation()
            if location.line == 0 { location = SourceLocation(file: path, line: message.line, column: message.column) }
            return FeedError(at: location, text)
        }
        return FeedError(at: SourceLocation(file: path, line: message.line, column: message.column), text)
    }

    private func flushParserWarnings() {
        for message in errors.takeWarnings() {
            context.diagnostics.append(
                Diagnostic(
                    .warning, at: SourceLocation(file: path, line: message.line, column: message.column), message.text))
        }
    }

    /// Makes libxml2 refuse every external resource (DTDs, external entities, XInclude) and keeps
    /// it from printing on its own; done once per process.
    private static let installSafetyHooks: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader(refuseExternalEntity)
        xmlSetStructuredErrorFunc(nil, silentErrorCallback)
    }()
}

/// A message from libxml2's parser.
struct ParserMessage {
    var line: Int
    var column: Int?
    var text: String
    var code: Int32 = 0
    /// The file libxml2 names, nil for an entity's text or a stream.
    var file: String?

    func inMainDocument(_ path: String) -> Bool {
        guard let file else { return path == "-" }
        return file == path || path == "-"
    }
}

/// Collects libxml2's structured errors for one reader.
final class ErrorSink {
    var fatal: ParserMessage?
    var lastError: ParserMessage?
    private var warnings: [ParserMessage] = []

    func record(_ error: xmlError) {
        var text = error.message.map { String(cString: $0) } ?? "XML error \(error.code)"
        text = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingSpaces }.joined(separator: " ")
        if text.hasSuffix(" ") { text.removeLast() }
        let message = ParserMessage(
            line: Int(error.line), column: error.int2 > 0 ? Int(error.int2) : nil, text: text, code: error.code,
            file: error.file.map { String(cString: $0) })
        switch error.level {
        case XML_ERR_FATAL:
            if fatal == nil { fatal = message }
        case XML_ERR_ERROR:
            lastError = message
            warnings.append(message)
        default:
            warnings.append(message)
        }
    }

    func takeWarnings() -> [ParserMessage] {
        defer { warnings.removeAll() }
        return warnings
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

private let errorCallback: xmlStructuredErrorFunc = { userData, error in
    guard let userData, let error else { return }
    Unmanaged<ErrorSink>.fromOpaque(userData).takeUnretainedValue().record(error.pointee)
}

private let silentErrorCallback: xmlStructuredErrorFunc = { _, _ in }

private let refuseExternalEntity: xmlExternalEntityLoader = { _, _, _ in nil }
