namespace VethExporter.Runtime;

/// <summary>A runtime answered, but with something we cannot use: the reason goes into its <see cref="RuntimeStatus"/>.</summary>
public sealed class RuntimeAnswerException : Exception
{
    public RuntimeAnswerException(string message) : base(message) { }

    public RuntimeAnswerException(string message, Exception inner) : base(message, inner) { }

    public RuntimeAnswerException() { }
}
