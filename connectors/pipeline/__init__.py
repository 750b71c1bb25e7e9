"""The one inbound pipeline every channel uses: store in the inbox, acknowledge, then one turn per message, in order."""
