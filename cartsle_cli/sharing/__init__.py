"""Working on copies of one review: `share` gives a person a blind copy, `merge` brings their work back."""
