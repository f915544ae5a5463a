using System.Text.Json.Nodes;

namespace OneClickMlflow.Emulator;

/// <summary>An API's state that shows itself in GET /_emulator/state. Called under <see cref="EmulatorState.Gate"/>.</summary>
public interface IDumpableState
{
    JsonNode Dump();
}
