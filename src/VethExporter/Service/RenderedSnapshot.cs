namespace VethExporter.Service;

/// <summary>The documents served from a snapshot, rendered once when it is published. OrphansJson is null before the first scan.</summary>
public sealed record RenderedSnapshot(byte[]? OrphansJson, byte[] LandingPage);
