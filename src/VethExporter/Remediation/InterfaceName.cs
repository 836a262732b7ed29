namespace VethExporter.Remediation;

/// <summary>
/// Which interface names remediation accepts: the kernel's rules (1–15 bytes, not "." or "..") narrowed
/// to the characters container runtimes and CNI plugins use (letters, digits, '.', '_', '-', '@', '+').
/// Anything else — shell metacharacters, path separators, white space — is rejected before any work.
/// </summary>
public static class InterfaceName
{
    public const int MaxLength = 15;

    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength }
        && name is not ("." or "..")
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@' or '+');
}
