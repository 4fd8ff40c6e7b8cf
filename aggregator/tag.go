package aggregator

import (
	"fmt"
	"regexp"

	"github.com/egovfeed/egovfeed/aggregator/tagging"
	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
)

// NewTagFunc returns the content tagger: the embedded gazetteer plus the
// operator's tag_rules.
func NewTagFunc(rules []config.TagRule) (TagFunc, error) {
	trs := make([]tagging.Rule, len(rules))
	for i, r := range rules {
		re, err := regexp.Compile(r.Pattern)
		if err != nil {
			return nil, fmt.Errorf("tag_rules[%d]: %w", i, err)
		}
		trs[i] = tagging.Rule{Pattern: re, Lands: r.Lands}
	}
	t, err := tagging.New(trs)
	if err != nil {
		return nil, err
	}
	return func(title, teaser string) []storage.LandTag {
		tags := t.Tag(title, teaser)
		out := make([]storage.LandTag, len(tags))
		for i, tg := range tags {
			out[i] = storage.LandTag{Land: tg.Land, Rule: tg.Rule, Evidence: tg.Evidence}
		}
		return out
	}, nil
}
