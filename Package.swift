// swift-tools-version:6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Microgenre",
    products: [
        .executable(name: "microgenre", targets: ["microgenre"]),
        .library(name: "MicrogenreFeeds", targets: ["MicrogenreFeeds"]),
        .library(name: "MicrogenreText", targets: ["MicrogenreText"]),
        // For the fuzz targets (the package in Fuzz/), which can only use products.
        .library(name: "MicrogenreTaxonomy", targets: ["MicrogenreTaxonomy"]),
        .library(name: "MicrogenreQuery", targets: ["MicrogenreQuery"]),
        .library(name: "MicrogenreEvents", targets: ["MicrogenreEvents"]),
        .library(name: "MicrogenreIndex", targets: ["MicrogenreIndex"]),
        .library(name: "MicrogenreCore", targets: ["MicrogenreCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        // C system libraries. Each is imported by exactly one Swift target.
        .systemLibrary(
            name: "CICU",
            pkgConfig: "icu-i18n",
            providers: [.apt(["libicu-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CDNNL",
            providers: [.apt(["libdnnl-dev"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),

        // Value types shared by every stage of the pipeline.
        .target(name: "MicrogenreCore", swiftSettings: strictSettings, linkerSettings: [.linkedLibrary("m")]),

        // Text analysis: ICU normalization and segmentation, stemming. The only user of CICU.
        .target(
            name: "MicrogenreText",
            dependencies: ["CICU", "MicrogenreCore"],
            swiftSettings: strictSettings
        ),

        // Streaming feed readers for every supported format. The only user of CLibXML2.
        .target(
            name: "MicrogenreFeeds",
            dependencies: ["CLibXML2", "MicrogenreCore"],
            swiftSettings: strictSettings
        ),

        // The facet vocabulary, phrase matching and the micro-genre grammar.
        .target(
            name: "MicrogenreTaxonomy",
            dependencies: ["MicrogenreCore", "MicrogenreText"],
            swiftSettings: strictSettings
        ),

        // Scores titles against the taxonomy; learns the tag model (terms, and heads over title
        // embeddings trained with OpenBLAS); mines named micro-genres.
        .target(
            name: "MicrogenreTagging",
            dependencies: ["COpenBLAS", "MicrogenreCore", "MicrogenreText", "MicrogenreTaxonomy"],
            swiftSettings: strictSettings
        ),

        // The sentence-embedding model: WordPiece tokenizer and BERT encoder, run natively on
        // oneDNN (linear layers) and OpenBLAS (attention).
        .target(
            name: "MicrogenreEmbedding",
            dependencies: ["CDNNL", "COpenBLAS", "MicrogenreCore", "MicrogenreText"],
            swiftSettings: strictSettings
        ),

        // Query understanding: facets, terms, phrases, exclusions and filters, with positions.
        .target(
            name: "MicrogenreQuery",
            dependencies: ["MicrogenreCore", "MicrogenreText", "MicrogenreTaxonomy"],
            swiftSettings: strictSettings
        ),

        // Immutable, memory-mapped index segments; BM25F and facet search over them.
        .target(
            name: "MicrogenreIndex",
            dependencies: [
                "CZlib", "MicrogenreCore", "MicrogenreText", "MicrogenreTaxonomy", "MicrogenreQuery", "MicrogenreFeeds",
            ],
            exclude: ["FORMAT.md"],
            swiftSettings: strictSettings
        ),

        // Viewing events: parsing CSV and JSON Lines, and the event stores: SQLite (GRDB), the
        // embedded default, and PostgreSQL (PostgresNIO). The only user of GRDB, PostgresNIO and
        // Foundation outside the tests; it never sees ICU.
        .target(
            name: "MicrogenreEvents",
            dependencies: [
                "CZlib", "MicrogenreCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // User profiles, co-viewing similarity, personalized re-ranking, rows and their evaluation.
        .target(
            name: "MicrogenrePersonalization",
            dependencies: [
                "MicrogenreCore", "MicrogenreEvents", "MicrogenreIndex", "MicrogenreTagging", "MicrogenreTaxonomy",
                "MicrogenreQuery",
            ],
            swiftSettings: strictSettings
        ),

        // The HTTP API (`microgenre serve`) on Hummingbird 2: thin routes over the same library
        // calls the commands make, and the JSON both print.
        .target(
            name: "MicrogenreServer",
            dependencies: [
                "MicrogenreCore", "MicrogenreText", "MicrogenreTaxonomy", "MicrogenreTagging", "MicrogenreQuery",
                "MicrogenreIndex", "MicrogenreEmbedding", "MicrogenreEvents", "MicrogenrePersonalization", "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),

        // The command-line tool: argument parsing, printing, exit codes.
        .executableTarget(
            name: "microgenre",
            dependencies: [
                "MicrogenreCore", "MicrogenreText", "MicrogenreFeeds", "MicrogenreTaxonomy",
                "MicrogenreTagging", "MicrogenreQuery", "MicrogenreIndex", "MicrogenreEvents",
                "MicrogenrePersonalization", "MicrogenreEmbedding", "MicrogenreServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        // Benchmarks, run in release builds; never part of the test suite.
        .executableTarget(
            name: "MicrogenreBench",
            dependencies: [
                "MicrogenreCore", "MicrogenreText", "MicrogenreFeeds", "MicrogenreTaxonomy", "MicrogenreTagging",
                "MicrogenreQuery", "MicrogenreIndex", "MicrogenreEvents", "MicrogenrePersonalization",
                "MicrogenreEmbedding",
            ],
            swiftSettings: strictSettings
        ),

        // Scratch directories for the tests, removed when the test process exits.
        .target(name: "MicrogenreTestSupport", path: "Tests/MicrogenreTestSupport", swiftSettings: strictSettings),
        .testTarget(
            name: "MicrogenreTextTests",
            dependencies: ["MicrogenreText", "MicrogenreCore"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MicrogenreFeedsTests",
            dependencies: ["MicrogenreTestSupport", "MicrogenreFeeds", "MicrogenreCore"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MicrogenreTaggingTests",
            dependencies: [
                "MicrogenreTestSupport", "MicrogenreTagging", "MicrogenreTaxonomy", "MicrogenreCore", "MicrogenreText",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MicrogenreEmbeddingTests",
            dependencies: ["MicrogenreTestSupport", "MicrogenreEmbedding"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MicrogenreQueryTests",
            dependencies: ["MicrogenreQuery", "MicrogenreTaxonomy", "MicrogenreCore"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MicrogenreIndexTests",
            dependencies: [
                "MicrogenreTestSupport",
                "MicrogenreIndex", "MicrogenreQuery", "MicrogenreTagging", "MicrogenreTaxonomy", "MicrogenreCore",
            ],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MicrogenrePersonalizationTests",
            dependencies: [
                "MicrogenreTestSupport",
                "MicrogenrePersonalization", "MicrogenreEvents", "MicrogenreIndex", "MicrogenreTagging",
                "MicrogenreTaxonomy", "MicrogenreCore",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MicrogenreServerTests",
            dependencies: [
                "MicrogenreTestSupport", "MicrogenreServer", "MicrogenreIndex", "MicrogenreTaxonomy",
                "MicrogenreTagging", "MicrogenreCore", "MicrogenreFeeds", "MicrogenreEvents",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MicrogenreCLITests",
            dependencies: ["MicrogenreTestSupport", "MicrogenreEvents", "microgenre"],
            swiftSettings: strictSettings
        ),
    ]
)
