import ArgumentParser
import MicrogenreCore
import MicrogenreQuery
import MicrogenreTaxonomy

#if canImport(Glibc)
    import Glibc
#endif

/// Where Microgenre keeps what it builds (the tag model, later the index): `$MICROGENRE_HOME`,
/// else `.microgenre` in the working directory.
enum DataDirectory {
    static var path: String {
        if let home = getenv("MICROGENRE_HOME") { return String(cString: home) }
        return ".microgenre"
    }

    /// A file in the data directory, creating the directory when `create` is set.
    static func file(_ name: String, create: Bool = false) throws -> String {
        if create { try FileSystem.createDirectory(path) }
        return "\(path)/\(name)"
    }
}

/// Where the taxonomy comes from, shared by every command that needs it.
struct TaxonomyOptions: ParsableArguments {
    @Option(
        name: .customLong("taxonomy"),
        help: "The taxonomy directory (default: $MICROGENRE_TAXONOMY, ./Taxonomy, or the one beside the executable).")
    var directory: String?

    /// The directory to load: the option, the environment, ./Taxonomy, then the repository the
    /// executable was built in, then share/microgenre/Taxonomy beside an installed executable.
    func resolvedDirectory() throws -> String {
        if let directory { return directory }
        if let fromEnvironment = getenv("MICROGENRE_TAXONOMY") { return String(cString: fromEnvironment) }
        var candidates = ["Taxonomy"]
        var buffer = [UInt8](repeating: 0, count: 4096)
        let length = buffer.withUnsafeMutableBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { readlink("/proc/self/exe", $0.baseAddress!, $0.count - 1) }
        }
        if length > 0 {
            let executable = String(decoding: buffer[..<length], as: UTF8.self)
            let binDirectory = String(executable[..<(executable.lastIndex(of: "/") ?? executable.endIndex)])
            candidates += ["\(binDirectory)/../../../Taxonomy", "\(binDirectory)/../share/microgenre/Taxonomy"]
        }
        for candidate in candidates where FileSystem.isDirectory(candidate) { return candidate }
        throw ValidationError("no taxonomy found: pass --taxonomy DIR or set MICROGENRE_TAXONOMY")
    }

    /// Loads and validates the taxonomy, printing every problem before failing.
    func load() throws -> Taxonomy {
        let directory = try resolvedDirectory()
        do {
            return try Taxonomy.load(directory: directory)
        } catch let error as TaxonomyError {
            for problem in error.problems { Output.error(problem.description) }
            Output.error(
                "\(directory): \(error.problems.count) problem\(error.problems.count == 1 ? "" : "s") in the taxonomy")
            throw ExitCode(1)
        } catch let error as FileSystem.Failure {
            Output.error("error: cannot read the taxonomy: \(error)")
            throw ExitCode(1)
        }
    }
}

extension TaxonomyOptions {
    /// Parses `query` against the taxonomy, recognizing the names `people` knows (an index's
    /// credited people) as names rather than facets; a malformed query prints its error (with
    /// the caret under the fault) and exits with status 1.
    func parseQuery(_ query: String, people: (any PersonNames)? = nil) throws -> ParsedQuery {
        let parser = try QueryParser(taxonomy: load(), people: people)
        do {
            return try parser.parse(query)
        } catch let error as QueryError {
            Output.error(error.description)
            throw ExitCode(1)
        }
    }
}
