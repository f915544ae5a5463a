namespace OneClickMlflow.Deployment
{
    /// <summary>What the engine will do to one resource.</summary>
    public enum ChangeAction
    {
        None,
        Create,
        Update,
        Delete,
    }

    /// <summary>Whether a plan brings resources to their desired state or removes them.</summary>
    public enum DeploymentIntent
    {
        Converge,
        Remove,
    }
}
