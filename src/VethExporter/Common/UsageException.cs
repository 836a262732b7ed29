namespace VethExporter.Common;

/// <summary>A command line or option the exporter cannot run with; the message is shown to the user as is.</summary>
public sealed class UsageException(string message) : Exception(message);
