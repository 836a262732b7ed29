namespace VethExporter.Tracking;

/// <summary>What history knows of one interface: when it was first seen as it is now.</summary>
public readonly record struct InterfaceHistory(DateTimeOffset FirstSeen, TimeSpan Age);
