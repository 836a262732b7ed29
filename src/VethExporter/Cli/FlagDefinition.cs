namespace VethExporter.Cli;

/// <summary>One command-line flag: its name without dashes, whether it takes a value, its help, and the verbs it belongs to.</summary>
/// <param name="Verbs">The commands that accept it on their command line; null: every command.</param>
public sealed record FlagDefinition(string Name, string Help, string? Default = null, bool IsSwitch = false, bool Repeatable = false,
    IReadOnlyList<string>? Verbs = null)
{
    public bool BelongsTo(string verb) => Verbs is null || Verbs.Contains(verb);
}
