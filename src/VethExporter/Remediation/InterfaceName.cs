namespace VethExporter.Remediation;

/// <summary>The kernel's rules for an interface name (dev_valid_name): 1–15 bytes, no '/', ':' or white space, not "." or "..".</summary>
public static class InterfaceName
{
    public const int MaxLength = 15;

    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength }
        && name is not ("." or "..")
        && System.Text.Encoding.UTF8.GetByteCount(name) <= MaxLength
        && !name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || char.IsControl(c));
}
