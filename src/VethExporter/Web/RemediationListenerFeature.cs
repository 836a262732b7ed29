namespace VethExporter.Web;

/// <summary>Set on every connection accepted by a --remediation.listen-address listener.</summary>
public sealed class RemediationListenerFeature
{
    public static readonly RemediationListenerFeature Instance = new();

    private RemediationListenerFeature()
    {
    }
}
