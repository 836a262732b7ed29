namespace VethExporter.Web;

/// <summary>Marks the remediation endpoints: served on the remediation listener when there is one, and guarded by their bearer token.</summary>
public sealed class RemediationEndpointMetadata
{
    public static readonly RemediationEndpointMetadata Instance = new();

    private RemediationEndpointMetadata()
    {
    }
}
