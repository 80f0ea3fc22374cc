// What `kernel_info_reply` says about the kernel and its language.

import Support

/// The static facts of `kernel_info_reply`.
public struct KernelInfo: Sendable {
    /// The kernel protocol version advertised in `kernel_info_reply` (5.5: XPUB welcome,
    /// kernel_info on control). Message headers still stamp `Header.protocolVersion`.
    public static let protocolVersion = "5.5"

    public var implementation: String
    public var implementationVersion: String
    public var languageVersion: String
    public var banner: String

    public init(
        implementation: String = "latent", implementationVersion: String = "0.1.0",
        languageVersion: String = "0.1", banner: String? = nil
    ) {
        self.implementation = implementation
        self.implementationVersion = implementationVersion
        self.languageVersion = languageVersion
        self.banner = banner ?? "latent \(implementationVersion): adaptive latent reasoning on the CPU. help() lists the builtins."
    }

    /// `language_info`. Highlighting borrows Ruby's modes: of the lexers that CodeMirror
    /// (JupyterLab) and Pygments (nbconvert) both ship, Ruby covers the most of the
    /// language's surface — `#` comments, double-quoted strings with `\u{…}` escapes,
    /// `true false nil and or not if else for in while break return`, and it shows
    /// labelled arguments (`epochs: 2`) as symbols. (Python misses true/false/nil;
    /// Swift and JavaScript use `//` comments.)
    public var languageInfo: JSONValue {
        [
            "name": "latent",
            "version": .string(languageVersion),
            "mimetype": "text/x-latent",
            "file_extension": ".lat",
            "pygments_lexer": "ruby",
            "codemirror_mode": "ruby",
            "nbconvert_exporter": "script",
        ]
    }

    /// The full `kernel_info_reply` content.
    public var replyContent: JSONValue {
        [
            "status": "ok",
            "protocol_version": .string(Self.protocolVersion),
            "implementation": .string(implementation),
            "implementation_version": .string(implementationVersion),
            "language_info": languageInfo,
            "banner": .string(banner),
            "debugger": false,
            "supported_features": [],
        ]
    }
}
