-- ROBINS-I V2 becomes the tool `robins-i`; appraisals made before it with the 2016 tool (then
-- called `robins-i`) keep their tool under its new id, so they are read with the 2016 questions.
UPDATE appraisal_loads SET tool = 'robins-i-2016' WHERE tool = 'robins-i';
UPDATE appraisal_resolutions SET tool = 'robins-i-2016' WHERE tool = 'robins-i';
