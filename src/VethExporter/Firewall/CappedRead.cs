namespace VethExporter.Firewall;

/// <summary>What was read from a stream, at most a cap's worth, and whether the stream had more.</summary>
public sealed record CappedRead(byte[] Data, bool OverCap);
